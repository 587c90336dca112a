package io.knowhow.tuneencoder.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneOptions;
import io.knowhow.tune.TunePlan;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.train.AdamW;
import io.knowhow.tune.train.Checkpoint;
import io.knowhow.tune.train.LearningRateSchedule;
import io.knowhow.tune.train.RunLog;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The training loop every encoder task shares (classify, extract, embed): shuffled batches, a loss from the
 * task, AdamW with separate rates for a new head and the encoder's trained arrays, warm-up + cosine,
 * clipping, the run log, progress events, periodic and on-cancel checkpoints, and resume. The task only
 * says what one batch's loss is ({@link Task}).
 *
 * <p>Determinism, which resuming relies on: epoch e's order comes from the seed and e alone; the encoder
 * has no dropout; a checkpoint holds the trained arrays and both optimizers' moments exactly. A run resumed
 * at step n computes the same step n+1 as one that never stopped. Run log and checkpoints are knowhow-tune's
 * formats ({@link RunLog}, {@link Checkpoint}) under the output directory, so one plotting tool reads
 * decoder and encoder runs alike.
 */
public final class EncoderTrainingRun {
    public static final String CHECKPOINTS = "checkpoints";
    public static final String RUN_LOG = "run-log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a task contributes to the shared loop. */
    public interface Task {
        /** The run's kind in the plan, e.g. "encoder-classifier". */
        String kind();

        /** Training examples; batches are drawn from indices {@code 0 .. examples()-1}. */
        int examples();

        /** Examples cut to the maximum length, for the plan. */
        int truncated();

        /**
         * Builds the loss of the examples {@code batch} while gradients are being recorded; arrays go to
         * {@code scope}, which is closed after the step.
         *
         * @return the loss and the tokens it read, or null when this batch teaches nothing (the step is
         *         counted but the optimizer does not move)
         */
        BatchLoss loss(int[] batch, NDManager scope);

        /** Adds what the artifact needs besides weights (labels, slots) to a checkpoint's state. */
        default void describe(ObjectNode state) {}
    }

    /** One batch's scalar loss and the tokens it was computed on. */
    public record BatchLoss(NDArray loss, long tokens) {}

    /**
     * How to run.
     *
     * @param mode             the task's mode name, stored in checkpoints (a checkpoint of another mode is refused)
     * @param method           the plan's method: null for a frozen encoder (head only)
     * @param output           the artifact directory: checkpoints/ and run-log.jsonl go here
     * @param learningRate     peak rate of the encoder's trained arrays
     * @param headLearningRate peak rate of the head
     * @param checkpointEvery  steps between checkpoints; 0 for only on cancel
     * @param dataHash         identifies the data: a checkpoint of other data is refused
     */
    public record Settings(String mode, TuneOptions.Method method, Path output, int epochs, int batchSize, double learningRate,
                           double headLearningRate, double warmupRatio, double weightDecay, double clip, int checkpointEvery, long seed,
                           String dataHash) {
        public Settings {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(dataHash, "dataHash");
        }
    }

    /**
     * What a run did.
     *
     * @param steps       optimizer steps completed, including those before a resume
     * @param startStep   steps restored from a checkpoint (0 for a fresh run)
     * @param interrupted whether it stopped early on request (a checkpoint holds its state)
     * @param elapsed     wall time, including time before a resume
     */
    public record Outcome(int steps, int totalSteps, int startStep, double finalLoss, boolean interrupted, Path runLog, Duration elapsed) {}

    private EncoderTrainingRun() {}

    /** A training job on a freshly loaded encoder. */
    @FunctionalInterface
    public interface Job<R> {
        R run(BertEncoder encoder, EncoderTokenizer tokenizer);
    }

    /**
     * Loads the bundled encoder from {@code base} and its tokenizer, runs {@code job} with gradient recording
     * off outside the collector, and closes both unless {@code keeps} says the result holds on to them (a
     * trained artifact in memory).
     */
    public static <R> R withBundledEncoder(Map<String, OnnxGraph.Tensor> base, int maxLength, Job<R> job, java.util.function.Predicate<R> keeps) {
        BertEncoder encoder = BundledEncoder.load(base);
        EncoderTokenizer tokenizer = null;
        boolean kept = false;
        boolean gradBefore = Torch.gradMode();
        Torch.gradMode(false); // on only inside the gradient collector
        try {
            tokenizer = BundledEncoder.tokenizer(maxLength);
            R result = job.run(encoder, tokenizer);
            kept = keeps.test(result);
            return result;
        } finally {
            Torch.gradMode(gradBefore);
            if (!kept) {
                if (tokenizer != null) tokenizer.close();
                encoder.close();
            }
        }
    }

    /**
     * A new linear head {@code prefix.weight} (rows, hidden) drawn from N(0, 0.02) as transformers initialises
     * classifiers, and {@code prefix.bias} (rows) zero.
     */
    public static Map<String, NDArray> newHead(String prefix, int rows, int hidden, long seed, NDManager manager) {
        Random random = new Random(seed);
        float[] w = new float[rows * hidden];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
        Map<String, NDArray> head = new LinkedHashMap<>();
        head.put(prefix + ".weight", Torch.floats(manager, w, rows, hidden));
        head.put(prefix + ".bias", manager.zeros(new ai.djl.ndarray.types.Shape(rows)));
        return head;
    }

    /**
     * Trains {@code head} and {@code body} in place (their arrays end with the trained values).
     *
     * @param head           the task's new layer; may be empty (embed)
     * @param body           the encoder's trained arrays: LoRA adapter, every weight, or empty (frozen)
     * @param baseParameters the encoder's parameter count, for the plan
     * @param resume         continue from the newest checkpoint in the output directory, if there is one
     * @param cancelled      polled after every step; when it turns true a checkpoint is written and the run stops
     * @throws IllegalArgumentException when the checkpoint belongs to another mode or other data, or does not fit
     */
    public static Outcome run(Task task, Map<String, NDArray> head, Map<String, NDArray> body, long baseParameters, Settings s,
                              boolean resume, TuneListener listener, BooleanSupplier cancelled, NDManager manager) {
        head.values().forEach(a -> a.setRequiresGradient(true));
        body.values().forEach(a -> a.setRequiresGradient(true));
        try {
            return loop(task, head, body, baseParameters, s, resume, listener, cancelled, manager);
        } finally {
            head.values().forEach(a -> a.setRequiresGradient(false));
            body.values().forEach(a -> a.setRequiresGradient(false));
        }
    }

    private static Outcome loop(Task task, Map<String, NDArray> head, Map<String, NDArray> body, long baseParameters, Settings s,
                                boolean resume, TuneListener listener, BooleanSupplier cancelled, NDManager manager) {
        AdamW headOptimizer = head.isEmpty() ? null : AdamW.standard(head, manager, s.weightDecay());
        AdamW bodyOptimizer = body.isEmpty() ? null : AdamW.standard(body, manager, s.weightDecay());
        Map<String, NDArray> trainable = new LinkedHashMap<>(head);
        trainable.putAll(body);

        int stepsPerEpoch = (task.examples() + s.batchSize() - 1) / s.batchSize();
        int totalSteps = stepsPerEpoch * s.epochs();
        LearningRateSchedule headSchedule = LearningRateSchedule.withWarmupRatio(s.headLearningRate(), s.warmupRatio(), totalSteps);
        LearningRateSchedule bodySchedule = LearningRateSchedule.withWarmupRatio(s.learningRate(), s.warmupRatio(), totalSteps);

        Path checkpoints = s.output().resolve(CHECKPOINTS);
        Path runLog = s.output().resolve(RUN_LOG);
        int step = 0;
        double elapsedBefore = 0;
        Optional<Checkpoint> from = resume ? Checkpoint.latest(checkpoints) : Optional.empty();
        if (from.isPresent()) {
            Checkpoint c = from.get();
            check(c, s);
            restore(c, trainable, manager);
            if (headOptimizer != null) headOptimizer.restore(c.optimizer(), c.step());
            if (bodyOptimizer != null) bodyOptimizer.restore(c.optimizer(), c.step());
            step = c.step();
            elapsedBefore = c.state().path("elapsed_s").asDouble(0);
        }
        int startStep = step;
        long trainableCount = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
        listener.onStart(new TunePlan(s.method(), task.kind(), task.examples(), 0, task.truncated(), 0, stepsPerEpoch, totalSteps, startStep,
                trainableCount, baseParameters));

        long started = System.nanoTime();
        double loss = Double.NaN;
        boolean interrupted = false;
        try (RunLog log = RunLog.open(runLog, from.isPresent() ? startStep : -1)) {
            while (step < totalSteps) {
                int epoch = step / stepsPerEpoch;
                int[] order = order(task.examples(), s.seed(), epoch);
                int first = (step % stepsPerEpoch) * s.batchSize();
                int[] batch = Arrays.copyOfRange(order, first, Math.min(order.length, first + s.batchSize()));
                long t0 = System.nanoTime();
                long tokens = 0;
                boolean learned = false;
                try (NDManager scope = manager.newSubManager();
                     GradientCollector collector = Torch.engine().newGradientCollector()) {
                    BatchLoss b = task.loss(batch, scope);
                    if (b != null) {
                        collector.backward(b.loss());
                        loss = b.loss().getFloat();
                        tokens = b.tokens();
                        learned = true;
                    }
                }
                double headRate = headSchedule.at(step), bodyRate = bodySchedule.at(step);
                double gradNorm = 0;
                if (learned) {
                    if (headOptimizer != null) gradNorm = headOptimizer.step(headRate, s.clip());
                    if (bodyOptimizer != null) gradNorm = Math.hypot(gradNorm, bodyOptimizer.step(bodyRate, s.clip()));
                }
                step++;
                double stepSeconds = (System.nanoTime() - t0) / 1e9;
                double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
                double perStep = (System.nanoTime() - started) / 1e9 / (step - startStep);
                double rate = bodyOptimizer != null ? bodyRate : headRate;
                if (learned) log.step(step, epoch + 1, loss, rate, gradNorm, tokens / stepSeconds, elapsed);
                listener.onStep(new TuneProgress(step, totalSteps, epoch + 1, loss, rate, gradNorm, tokens / stepSeconds,
                        seconds(elapsed), seconds(perStep * (totalSteps - step))));
                boolean cancel = cancelled.getAsBoolean();
                boolean periodic = s.checkpointEvery() > 0 && step % s.checkpointEvery() == 0;
                if ((cancel || periodic) && step < totalSteps) {
                    ObjectNode state = JSON.createObjectNode().put("mode", s.mode()).put("data_sha256", s.dataHash()).put("elapsed_s", elapsed);
                    task.describe(state);
                    Map<String, NDArray> moments = new LinkedHashMap<>();
                    if (headOptimizer != null) moments.putAll(headOptimizer.state());
                    if (bodyOptimizer != null) moments.putAll(bodyOptimizer.state());
                    Path dir = Checkpoint.write(checkpoints, step, trainable, moments, state, 1).dir();
                    listener.onCheckpoint(step, dir);
                }
                if (cancel && step < totalSteps) {
                    interrupted = true;
                    break;
                }
            }
        }
        return new Outcome(step, totalSteps, startStep, loss, interrupted, runLog, seconds(elapsedBefore + (System.nanoTime() - started) / 1e9));
    }

    /** Epoch {@code epoch}'s order of examples: shuffled by a generator seeded from the seed and the epoch. */
    static int[] order(int examples, long seed, int epoch) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, examples).boxed().toList());
        Collections.shuffle(order, new Random(seed * 31 + epoch + 1));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void check(Checkpoint c, Settings s) {
        String mode = c.state().path("mode").asText();
        if (!mode.equals(s.mode()) || !s.dataHash().equals(c.state().path("data_sha256").asText()))
            throw new IllegalArgumentException("checkpoint " + c.dir() + " belongs to another run (mode " + mode + ", other data); "
                    + "delete " + c.dir().getParent() + " or choose another output directory");
    }

    private static void restore(Checkpoint c, Map<String, NDArray> trainable, NDManager manager) {
        Map<String, float[]> values = c.trainable();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().getShape().size())
                throw new IllegalArgumentException("checkpoint " + c.dir() + " does not match this run: " + e.getKey() + " is missing or misshapen");
            try (NDArray source = Torch.floats(manager, v, e.getValue().getShape().getShape())) {
                AdamW.copyInto(e.getValue(), source);
            }
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
