package io.knowhow.app.tune;

/** Hears a training run's progress, on the training thread, in order. Every call has an empty default. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** Called once the data is read and the model loaded, before the first step. */
    default void started(int totalSteps, int startStep) {}

    /** Called after each optimizer step; {@code tokensPerSecond} is NaN when the task does not count tokens. */
    default void stepped(int step, int totalSteps, double loss, double tokensPerSecond) {}

    /** Called after each validation pass. */
    default void evaluated(int epoch, int step, double validationLoss) {}
}
