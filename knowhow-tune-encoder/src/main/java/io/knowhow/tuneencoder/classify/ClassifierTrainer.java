package io.knowhow.tuneencoder.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Trains a {@link Classifier} on labelled texts: a linear head on the encoder's mean-pooled vector, with
 * the encoder frozen, adapted by LoRA or fully fine-tuned, by cross-entropy, AdamW and a warm-up/cosine
 * schedule (knowhow-tune's).
 *
 * <p>FROZEN computes every pooled vector once and then trains the head on them: the encoder never runs
 * again, so many epochs cost little. LORA and FULL run the encoder forward and backward per step, in a
 * per-step sub-manager. The head and the encoder's trained arrays have separate AdamW instances so that
 * each has its own learning rate (a fresh head needs a rate far above pretrained weights').
 *
 * <p>Determinism, which resuming relies on: epoch e's order comes from the seed and e alone; there is no
 * dropout; a checkpoint holds the trained arrays and both optimizers' moments exactly. A run resumed at
 * step n computes the same step n+1 as one that never stopped. Run log and checkpoints are knowhow-tune's
 * formats ({@link RunLog}, {@link Checkpoint}) under the output directory.
 */
public final class ClassifierTrainer {
    static final String CHECKPOINTS = "checkpoints";
    static final String RUN_LOG = "run-log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifierTrainer() {}

    /** Trains from the bundled encoder; see {@link #train(Map, List, ClassifyOptions, boolean, TuneListener, BooleanSupplier)}. */
    public static ClassifyResult train(List<LabeledText> data, ClassifyOptions options, TuneListener listener) {
        return train(BundledEncoder.tensors(), data, options, false, listener, () -> false);
    }

    /**
     * Trains a classifier and writes its artifact to {@code options.output()}.
     *
     * @param base      the base encoder's weights (from {@link BundledEncoder#tensors()}; passed in so that
     *                  several runs share one read of the model file)
     * @param resume    continue from the newest checkpoint in the output directory, if there is one
     * @param cancelled polled after every step; when it turns true a checkpoint is written and the run stops
     * @throws IllegalArgumentException when there are fewer than two labels, or the checkpoint belongs to other data
     */
    public static ClassifyResult train(Map<String, OnnxGraph.Tensor> base, List<LabeledText> data, ClassifyOptions options, boolean resume,
                                       TuneListener listener, BooleanSupplier cancelled) {
        List<String> labels = new ArrayList<>(new TreeSet<>(data.stream().map(LabeledText::label).toList()));
        if (labels.size() < 2) throw new IllegalArgumentException("classification needs at least two labels, the data has " + labels);
        BertEncoder encoder = BundledEncoder.load(base);
        EncoderTokenizer tokenizer = null;
        boolean done = false;
        boolean gradBefore = Torch.gradMode();
        Torch.gradMode(false); // on only inside the gradient collector
        try {
            tokenizer = BundledEncoder.tokenizer(options.maxLength());
            ClassifyResult r = new Run(encoder, tokenizer, labels, data, options, resume, listener, cancelled).run();
            done = r.classifier().isPresent();
            return r;
        } finally {
            Torch.gradMode(gradBefore);
            if (!done) {
                if (tokenizer != null) tokenizer.close();
                encoder.close();
            }
        }
    }

    /** One run's state. */
    private static final class Run {
        private final BertEncoder encoder;
        private final EncoderTokenizer tokenizer;
        private final List<String> labels;
        private final List<LabeledText> data;
        private final ClassifyOptions options;
        private final boolean resume;
        private final TuneListener listener;
        private final BooleanSupplier cancelled;
        private final NDManager manager;
        private final long[] labelIds;   // (examples) label index of each example
        private final int[] tokenCounts; // (examples) tokens after truncation
        private final String dataHash;

        Run(BertEncoder encoder, EncoderTokenizer tokenizer, List<String> labels, List<LabeledText> data, ClassifyOptions options,
            boolean resume, TuneListener listener, BooleanSupplier cancelled) {
            this.encoder = encoder;
            this.tokenizer = tokenizer;
            this.labels = labels;
            this.data = data;
            this.options = options;
            this.resume = resume;
            this.listener = listener;
            this.cancelled = cancelled;
            this.manager = encoder.manager();
            this.labelIds = data.stream().mapToLong(d -> labels.indexOf(d.label())).toArray();
            this.tokenCounts = data.stream().mapToInt(d -> tokenizer.ids(d.text()).length).toArray();
            this.dataHash = hash(data);
        }

        ClassifyResult run() {
            ClassifyOptions.Mode mode = options.mode();
            int hidden = encoder.config().hiddenSize();
            // Head: N(0, 0.02) as transformers initialises a classifier, bias zero.
            Random random = new Random(options.seed());
            float[] w = new float[labels.size() * hidden];
            for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
            NDArray headWeight = Torch.floats(manager, w, labels.size(), hidden); // (labels, hidden)
            NDArray headBias = manager.zeros(new ai.djl.ndarray.types.Shape(labels.size()));  // (labels)
            Map<String, NDArray> head = new LinkedHashMap<>();
            head.put("classifier.weight", headWeight);
            head.put("classifier.bias", headBias);

            EncoderLora lora = mode == ClassifyOptions.Mode.LORA
                    ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), options.loraTargets(), manager, options.seed() + 1)
                    : null;
            Map<String, NDArray> body = switch (mode) {
                case FROZEN -> Map.of();
                case LORA -> lora.named();
                case FULL -> encoder.weights().named();
            };
            Classifier classifier = new Classifier(mode, encoder, lora, headWeight, headBias, labels, tokenizer);

            NDArray features = null; // FROZEN: (examples, hidden) pooled vectors, computed once
            if (mode == ClassifyOptions.Mode.FROZEN) {
                float[][] pooled = new SentenceEmbedder(encoder, null, tokenizer, 64).pooled(data.stream().map(LabeledText::text).toList(), false);
                float[] flat = new float[pooled.length * hidden];
                for (int i = 0; i < pooled.length; i++) System.arraycopy(pooled[i], 0, flat, i * hidden, hidden);
                features = Torch.floats(manager, flat, pooled.length, hidden);
            }

            head.values().forEach(a -> a.setRequiresGradient(true));
            body.values().forEach(a -> a.setRequiresGradient(true));
            AdamW headOptimizer = AdamW.standard(head, manager, options.weightDecay());
            AdamW bodyOptimizer = body.isEmpty() ? null : AdamW.standard(body, manager, options.weightDecay());
            Map<String, NDArray> trainable = new LinkedHashMap<>(head);
            trainable.putAll(body);

            int stepsPerEpoch = (data.size() + options.batchSize() - 1) / options.batchSize();
            int totalSteps = stepsPerEpoch * options.epochs();
            LearningRateSchedule headSchedule = LearningRateSchedule.withWarmupRatio(options.headLearningRate(), options.warmupRatio(), totalSteps);
            LearningRateSchedule bodySchedule = LearningRateSchedule.withWarmupRatio(options.learningRate(), options.warmupRatio(), totalSteps);

            Path out = options.output();
            Path checkpoints = out.resolve(CHECKPOINTS);
            int step = 0;
            double elapsedBefore = 0;
            Optional<Checkpoint> from = resume ? Checkpoint.latest(checkpoints) : Optional.empty();
            if (from.isPresent()) {
                Checkpoint c = from.get();
                check(c);
                restore(c, trainable);
                headOptimizer.restore(c.optimizer(), c.step());
                if (bodyOptimizer != null) bodyOptimizer.restore(c.optimizer(), c.step());
                step = c.step();
                elapsedBefore = c.state().path("elapsed_s").asDouble(0);
            }
            int startStep = step;
            long trainableCount = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
            // TunePlan's method is the decoder tuner's enum: null stands for FROZEN (head only).
            TuneOptions.Method method = switch (mode) {
                case FROZEN -> null;
                case LORA -> TuneOptions.Method.LORA;
                case FULL -> TuneOptions.Method.FULL;
            };
            listener.onStart(new TunePlan(method, "encoder-classifier", data.size(), 0, truncated(), 0, stepsPerEpoch, totalSteps, startStep,
                    trainableCount, encoder.weights().parameterCount()));

            long started = System.nanoTime();
            double loss = Double.NaN;
            boolean interrupted = false;
            try (RunLog log = RunLog.open(out.resolve(RUN_LOG), from.isPresent() ? startStep : -1)) {
                while (step < totalSteps) {
                    int epoch = step / stepsPerEpoch;
                    int[] order = order(epoch);
                    int first = (step % stepsPerEpoch) * options.batchSize();
                    int[] batch = java.util.Arrays.copyOfRange(order, first, Math.min(order.length, first + options.batchSize()));
                    long t0 = System.nanoTime();
                    int tokens = 0;
                    for (int i : batch) tokens += tokenCounts[i];
                    try (NDManager scope = manager.newSubManager()) {
                        long[] rows = IntStream.of(batch).asLongStream().toArray();
                        NDArray target = Torch.longs(scope, IntStream.of(batch).mapToLong(i -> labelIds[i]).toArray(), batch.length, 1); // (B, 1)
                        try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                            NDArray pooled; // (B, hidden)
                            if (features != null) {
                                pooled = features.get(new NDIndex("{}", Torch.longs(scope, rows, rows.length)));
                                pooled.attach(scope);
                            } else {
                                EncoderTokenizer.Batch b = tokenizer.batch(IntStream.of(batch).mapToObj(i -> data.get(i).text()).toList(), scope);
                                pooled = BertEncoder.meanPool(encoder.forward(b.ids(), b.mask(), lora), b.mask());
                            }
                            NDArray logProbs = classifier.logits(pooled).logSoftmax(-1);                       // (B, labels)
                            NDArray l = logProbs.gather(target, 1).sum().neg().div(Torch.scalar(scope, batch.length)); // ()
                            collector.backward(l);
                            loss = l.getFloat();
                        }
                    }
                    double headRate = headSchedule.at(step), bodyRate = bodySchedule.at(step);
                    double gradNorm = headOptimizer.step(headRate, options.clip());
                    if (bodyOptimizer != null) gradNorm = Math.hypot(gradNorm, bodyOptimizer.step(bodyRate, options.clip()));
                    step++;
                    double stepSeconds = (System.nanoTime() - t0) / 1e9;
                    double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
                    double perStep = (System.nanoTime() - started) / 1e9 / (step - startStep);
                    double rate = bodyOptimizer != null ? bodyRate : headRate;
                    log.step(step, epoch + 1, loss, rate, gradNorm, tokens / stepSeconds, elapsed);
                    listener.onStep(new TuneProgress(step, totalSteps, epoch + 1, loss, rate, gradNorm, tokens / stepSeconds,
                            seconds(elapsed), seconds(perStep * (totalSteps - step))));
                    boolean cancel = cancelled.getAsBoolean();
                    boolean periodic = options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0;
                    if ((cancel || periodic) && step < totalSteps) {
                        ObjectNode state = JSON.createObjectNode().put("mode", mode.name()).put("data_sha256", dataHash).put("elapsed_s", elapsed);
                        ArrayNode labelArray = state.putArray("labels");
                        labels.forEach(labelArray::add);
                        Map<String, NDArray> moments = new LinkedHashMap<>(headOptimizer.state());
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
            if (features != null) features.close();
            trainable.values().forEach(a -> a.setRequiresGradient(false));
            double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
            if (interrupted) {
                classifier.close();
                return new ClassifyResult(Optional.empty(), Optional.empty(), step, totalSteps, startStep, loss, true, out.resolve(RUN_LOG),
                        seconds(elapsed));
            }
            classifier.save(out);
            return new ClassifyResult(Optional.of(classifier), Optional.of(out), step, totalSteps, startStep, loss, false, out.resolve(RUN_LOG),
                    seconds(elapsed));
        }

        /** Epoch {@code epoch}'s order of examples: shuffled by a generator seeded from the seed and the epoch. */
        private int[] order(int epoch) {
            List<Integer> order = new ArrayList<>(IntStream.range(0, data.size()).boxed().toList());
            Collections.shuffle(order, new Random(options.seed() * 31 + epoch + 1));
            return order.stream().mapToInt(Integer::intValue).toArray();
        }

        private int truncated() {
            int n = 0;
            for (LabeledText d : data) if (tokenizer.ids(d.text()).length >= options.maxLength()) n++;
            return n;
        }

        private void check(Checkpoint c) {
            String mode = c.state().path("mode").asText();
            if (!mode.equals(options.mode().name()) || !dataHash.equals(c.state().path("data_sha256").asText()))
                throw new IllegalArgumentException("checkpoint " + c.dir() + " belongs to another run (mode " + mode + ", other data); "
                        + "delete " + c.dir().getParent() + " or choose another output directory");
        }

        private void restore(Checkpoint c, Map<String, NDArray> trainable) {
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
    }

    private static String hash(List<LabeledText> data) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (LabeledText t : data) {
                d.update(t.text().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(t.label().getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
