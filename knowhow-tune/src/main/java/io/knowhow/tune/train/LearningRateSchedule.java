package io.knowhow.tune.train;

/**
 * Linear warm-up to the peak learning rate, then cosine decay to zero at the last step (the schedule of
 * transformers' {@code get_cosine_schedule_with_warmup}, shifted by one so that the first step already
 * learns: step s of the warm-up uses {@code peak · (s+1) / warmup}).
 *
 * @param peak        the learning rate at the end of warm-up
 * @param warmupSteps steps of linear warm-up (0 for none)
 * @param totalSteps  optimizer steps in the whole run
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps) {
    public LearningRateSchedule {
        if (!(peak > 0)) throw new IllegalArgumentException("peak learning rate must be positive, got " + peak);
        if (totalSteps < 1) throw new IllegalArgumentException("total steps must be at least 1, got " + totalSteps);
        if (warmupSteps < 0 || warmupSteps > totalSteps)
            throw new IllegalArgumentException("warm-up steps must be in [0, " + totalSteps + "], got " + warmupSteps);
    }

    /** Warm-up steps for a fraction of the run, rounded. */
    public static LearningRateSchedule withWarmupRatio(double peak, double warmupRatio, int totalSteps) {
        return new LearningRateSchedule(peak, (int) Math.round(warmupRatio * totalSteps), totalSteps);
    }

    /** The learning rate of step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        int decay = totalSteps - warmupSteps;
        if (decay <= 0) return peak;
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decay);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
