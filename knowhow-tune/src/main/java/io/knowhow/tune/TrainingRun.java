package io.knowhow.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.artifact.HfModelWriter;
import io.knowhow.tune.artifact.PeftAdapter;
import io.knowhow.tune.data.EncodedExample;
import io.knowhow.tune.data.PreparedData;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.model.TrainingBatch;
import io.knowhow.tune.train.AdamW;
import io.knowhow.tune.train.Checkpoint;
import io.knowhow.tune.train.LearningRateSchedule;
import io.knowhow.tune.train.RunLog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One training run's loop: batches in a seeded order per epoch, forward and backward in a per-step
 * sub-manager, AdamW, the run log, validation at each epoch's end, checkpoints and early stopping.
 *
 * <p>Determinism, which resuming relies on: the order of epoch e comes from {@code seed} and e alone,
 * libtorch's generator (dropout) is reseeded from {@code seed} and the step number before every step,
 * and the checkpoint holds the trained arrays and AdamW's moments exactly (f32). So a run resumed at step
 * n computes the same step n+1 as one that never stopped.
 */
final class TrainingRun {
    static final String CHECKPOINTS = "checkpoints";
    static final String RUN_LOG = "run-log.jsonl";
    static final String MERGED = "merged";
    /** Checkpoints kept: writing is atomic, so the newest suffices, and a full model's is large. */
    private static final int KEEP_CHECKPOINTS = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path baseDir;
    private final DecoderModel model;
    private final String templateName;
    private final PreparedData data;
    private final GeneralSet general;
    private final TuneOptions options;
    private final String dataHash;
    private final Optional<Checkpoint> resumeFrom;
    private final TuneListener listener;
    private final BooleanSupplier cancelled;
    private final Path out;

    private LoraWeights lora;
    private Map<String, NDArray> trainable;
    private AdamW optimizer;

    TrainingRun(Path baseDir, DecoderModel model, String templateName, PreparedData data, GeneralSet general, TuneOptions options,
                String dataHash, Optional<Checkpoint> resumeFrom, TuneListener listener, BooleanSupplier cancelled) {
        this.baseDir = baseDir;
        this.model = model;
        this.templateName = templateName;
        this.data = data;
        this.general = general;
        this.options = options;
        this.dataHash = dataHash;
        this.resumeFrom = resumeFrom;
        this.listener = listener;
        this.cancelled = cancelled;
        this.out = options.output();
    }

    TuneResult run() {
        boolean gradModeBefore = Torch.gradMode();
        Torch.gradMode(false); // only inside the gradient collector
        try {
            return train();
        } finally {
            Torch.gradMode(gradModeBefore);
        }
    }

    private TuneResult train() {
        if (options.method() == TuneOptions.Method.LORA) {
            lora = LoraWeights.init(model.config(), options.loraConfig(baseDir.toAbsolutePath().toString()), model.manager(), options.seed());
            trainable = lora.named();
        } else {
            trainable = model.weights().named();
        }
        trainable.values().forEach(a -> a.setRequiresGradient(true));
        optimizer = AdamW.standard(trainable, model.manager(), options.weightDecay());

        int batchesPerEpoch = (data.train().size() + options.batchSize() - 1) / options.batchSize();
        int stepsPerEpoch = (batchesPerEpoch + options.gradAccumulation() - 1) / options.gradAccumulation();
        int totalSteps = stepsPerEpoch * options.epochs();
        LearningRateSchedule schedule = LearningRateSchedule.withWarmupRatio(options.learningRate(), options.warmupRatio(), totalSteps);

        int step = 0;
        double best = Double.POSITIVE_INFINITY;
        int badEpochs = 0;
        double elapsedBefore = 0;
        if (resumeFrom.isPresent()) {
            Checkpoint c = resumeFrom.get();
            restore(c);
            step = c.step();
            best = c.state().path("best_val_loss").asDouble(Double.POSITIVE_INFINITY);
            badEpochs = c.state().path("epochs_without_improvement").asInt(0);
            elapsedBefore = c.state().path("elapsed_s").asDouble(0);
        }
        int startStep = step;
        listener.onStart(new TunePlan(options.method(), templateName, data.train().size(), data.validation().size(), data.truncated(),
                data.dropped(), stepsPerEpoch, totalSteps, startStep, parameterCount(trainable), model.weights().parameterCount()));

        long started = System.nanoTime();
        double finalLoss = Double.NaN;
        boolean stoppedEarly = false, interrupted = false;
        Path lastCheckpoint = resumeFrom.map(Checkpoint::dir).orElse(null);
        Path artifact = resumeFrom.isPresent() && artifactExists() ? artifactDir() : null;
        try (RunLog log = RunLog.open(out.resolve(RUN_LOG), resumeFrom.isPresent() ? startStep : -1)) {
            // Before the first step the trainable part changes nothing (LoRA's B is zero; full starts from the base).
            if (resumeFrom.isEmpty() && !general.examples().isEmpty()) log.forgettingBefore(general.name(), loss(general.examples()));
            while (step < totalSteps) {
                int epoch = step / stepsPerEpoch;
                List<List<EncodedExample>> batches = batches(epoch);
                int inEpoch = step % stepsPerEpoch;
                List<List<EncodedExample>> micro = batches.subList(inEpoch * options.gradAccumulation(),
                        Math.min(batches.size(), (inEpoch + 1) * options.gradAccumulation()));
                double lr = schedule.at(step);
                long t0 = System.nanoTime();
                Torch.seed(options.seed() * 1_000_003L + step);
                double loss = 0;
                int tokens = 0;
                try (NDManager scope = model.manager().newSubManager()) {
                    try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                        NDArray share = Torch.scalar(scope, micro.size());
                        for (List<EncodedExample> b : micro) {
                            TrainingBatch batch = batch(b);
                            DecoderModel.Loss l = model.loss(batch, lora, true, scope);
                            collector.backward(micro.size() == 1 ? l.mean() : l.mean().div(share));
                            loss += l.mean().getFloat() / micro.size();
                            tokens += batch.tokenCount();
                        }
                    }
                }
                double gradNorm = optimizer.step(lr, options.clip());
                step++;
                finalLoss = loss;
                double stepSeconds = (System.nanoTime() - t0) / 1e9;
                double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
                double perStep = (System.nanoTime() - started) / 1e9 / (step - startStep);
                log.step(step, epoch + 1, loss, lr, gradNorm, tokens / stepSeconds, elapsed);
                listener.onStep(new TuneProgress(step, totalSteps, epoch + 1, loss, lr, gradNorm, tokens / stepSeconds,
                        seconds(elapsed), seconds(perStep * (totalSteps - step))));

                boolean epochEnd = step % stepsPerEpoch == 0;
                if (epochEnd && !data.validation().isEmpty()) {
                    double val = evaluate();
                    log.eval(step, epoch + 1, val, elapsed);
                    listener.onEvaluation(epoch + 1, step, val);
                    if (val < best) {
                        best = val;
                        badEpochs = 0;
                        writeArtifact();
                        artifact = artifactDir();
                        logForgettingAfter(log, step);
                    } else {
                        badEpochs++;
                    }
                    if (options.earlyStoppingPatience() > 0 && badEpochs >= options.earlyStoppingPatience()) {
                        stoppedEarly = true;
                    }
                }
                boolean cancel = cancelled.getAsBoolean();
                boolean periodic = options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0;
                if ((cancel || periodic) && step < totalSteps && !stoppedEarly) {
                    lastCheckpoint = checkpoint(step, best, badEpochs, elapsed);
                    listener.onCheckpoint(step, lastCheckpoint);
                }
                if (stoppedEarly) break;
                if (cancel) {
                    interrupted = step < totalSteps;
                    break;
                }
            }
        }
        Optional<Path> merged = Optional.empty();
        if (!interrupted) {
            if (data.validation().isEmpty()) {
                writeArtifact();
                artifact = artifactDir();
                try (RunLog log = RunLog.open(out.resolve(RUN_LOG), step)) {
                    logForgettingAfter(log, step);
                }
            }
            if (options.merge() && artifact != null) merged = Optional.of(merge());
        }
        double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
        return new TuneResult(out, Optional.ofNullable(artifact), merged, options.method(), step, totalSteps, startStep, finalLoss,
                best < Double.POSITIVE_INFINITY ? OptionalDouble.of(best) : OptionalDouble.empty(), stoppedEarly, interrupted,
                Optional.ofNullable(lastCheckpoint), out.resolve(RUN_LOG), data.train().size(), data.validation().size(),
                data.truncated(), seconds(elapsed));
    }

    /** Epoch {@code epoch}'s batches: the training set shuffled by a generator seeded from the seed and the epoch. */
    private List<List<EncodedExample>> batches(int epoch) {
        List<EncodedExample> order = new ArrayList<>(data.train());
        Collections.shuffle(order, new Random(options.seed() * 31 + epoch + 1));
        List<List<EncodedExample>> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i += options.batchSize())
            out.add(order.subList(i, Math.min(order.size(), i + options.batchSize())));
        return out;
    }

    private static TrainingBatch batch(List<EncodedExample> examples) {
        int[][] tokens = new int[examples.size()][];
        boolean[][] targets = new boolean[examples.size()][];
        for (int i = 0; i < examples.size(); i++) {
            tokens[i] = examples.get(i).tokens();
            targets[i] = examples.get(i).targets();
        }
        return new TrainingBatch(tokens, targets);
    }

    /** The general set's loss with the weights just written as the artifact: what the delivered model has kept. */
    private void logForgettingAfter(RunLog log, int step) {
        if (!general.examples().isEmpty()) log.forgettingAfter(step, general.name(), loss(general.examples()));
    }

    /** Mean loss per target token over the validation set, grad mode off, dropout off. */
    private double evaluate() {
        return loss(data.validation());
    }

    /** Mean loss per target token over {@code val}, grad mode off, dropout off. */
    private double loss(List<EncodedExample> val) {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < val.size(); i += options.batchSize()) {
            try (NDManager scope = model.manager().newSubManager()) {
                DecoderModel.Loss l = model.loss(batch(val.subList(i, Math.min(val.size(), i + options.batchSize()))), lora, false, scope);
                sum += (double) l.mean().getFloat() * l.tokens();
                count += l.tokens();
            }
        }
        return sum / count;
    }

    private Path checkpoint(int step, double best, int badEpochs, double elapsed) {
        ObjectNode state = JSON.createObjectNode();
        state.set("options", options.fingerprint());
        state.put("data_sha256", dataHash).put("optimizer_steps", optimizer.steps()).put("elapsed_s", elapsed)
                .put("epochs_without_improvement", badEpochs);
        if (best < Double.POSITIVE_INFINITY) state.put("best_val_loss", best);
        return Checkpoint.write(out.resolve(CHECKPOINTS), step, trainable, optimizer.state(), state, KEEP_CHECKPOINTS).dir();
    }

    private void restore(Checkpoint c) {
        Map<String, float[]> values = c.trainable();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().getShape().size())
                throw new IllegalArgumentException("checkpoint " + c.dir() + " does not match this run: " + e.getKey() + " is missing or misshapen");
            try (NDArray source = Torch.floats(model.manager(), v, e.getValue().getShape().getShape())) {
                AdamW.copyInto(e.getValue(), source);
            }
        }
        optimizer.restore(c.optimizer(), c.state().path("optimizer_steps").asLong(c.step()));
    }

    private Path artifactDir() {
        return out;
    }

    private boolean artifactExists() {
        return options.method() == TuneOptions.Method.LORA ? PeftAdapter.isAdapter(out) : out.resolve("model.safetensors").toFile().isFile();
    }

    private void writeArtifact() {
        if (lora != null) PeftAdapter.write(out, lora);
        else HfModelWriter.write(out, model.weights(), baseDir);
    }

    /** Merges the adapter in the output directory (the best one) into the base weights and writes the model. */
    private Path merge() {
        Path dir = out.resolve(MERGED);
        trainable.values().forEach(a -> a.setRequiresGradient(false));
        LoraWeights best = PeftAdapter.read(out, model.config(), model.manager());
        model.mergeLora(best);
        HfModelWriter.write(dir, model.weights(), baseDir);
        return dir;
    }

    private static long parameterCount(Map<String, NDArray> arrays) {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
