package io.knowhow.tuneencoder.extract;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import io.knowhow.tuneencoder.classify.ClassifyOptions;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Trains an {@link Extractor}: a linear tagging head on every word piece's hidden state, with the encoder
 * frozen, adapted by LoRA or fully fine-tuned (the modes and options of {@link ClassifyOptions}), by
 * token-level cross-entropy over BIO tags, AdamW and a warm-up/cosine schedule (knowhow-tune's).
 *
 * <p>Unlike the classifier, FROZEN runs the encoder forward every step (without a gradient): caching
 * per-token states would hold (tokens × hidden) per example, and the forward pass is the cheap half of
 * a LoRA step anyway. The loss averages over real word pieces; [CLS], [SEP] and padding take no part.
 * The head and the encoder's trained arrays have separate AdamW instances, each with its own rate.
 *
 * <p>Determinism and resuming work as in {@link io.knowhow.tuneencoder.classify.ClassifierTrainer}: epoch
 * order from the seed and the epoch, no dropout, checkpoints with both optimizers' moments; run log and
 * checkpoints are knowhow-tune's formats under the output directory.
 */
public final class ExtractorTrainer {
    /** The Restaurant-8k slots, in the order {@link Extractor#extract} reports them. */
    public static final List<String> RESTAURANT_SLOTS = List.of("people", "date", "time", "first_name", "last_name");
    static final String CHECKPOINTS = "checkpoints";
    static final String RUN_LOG = "run-log.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExtractorTrainer() {}

    /** Trains from the bundled encoder; see {@link #train(Map, List, List, ClassifyOptions, boolean, TuneListener, BooleanSupplier)}. */
    public static ExtractResult train(List<SlotExample> data, List<String> slots, ClassifyOptions options, TuneListener listener) {
        return train(BundledEncoder.tensors(), data, slots, options, false, listener, () -> false);
    }

    /**
     * Trains an extractor and writes its artifact to {@code options.output()}.
     *
     * @param base      the base encoder's weights (from {@link BundledEncoder#tensors()})
     * @param slots     the schema: slot names in output order; every span of {@code data} must name one
     * @param resume    continue from the newest checkpoint in the output directory, if there is one
     * @param cancelled polled after every step; when it turns true a checkpoint is written and the run stops
     * @throws IllegalArgumentException when the data is empty, names a slot outside the schema (the message
     *                                  names the entry), or the checkpoint belongs to other data
     */
    public static ExtractResult train(Map<String, OnnxGraph.Tensor> base, List<SlotExample> data, List<String> slots, ClassifyOptions options,
                                      boolean resume, TuneListener listener, BooleanSupplier cancelled) {
        if (data.isEmpty()) throw new IllegalArgumentException("extraction needs at least one example");
        BioTags tags = new BioTags(slots);
        BertEncoder encoder = BundledEncoder.load(base);
        EncoderTokenizer tokenizer = null;
        boolean done = false;
        boolean gradBefore = Torch.gradMode();
        Torch.gradMode(false); // on only inside the gradient collector
        try {
            tokenizer = BundledEncoder.tokenizer(options.maxLength());
            ExtractResult r = new Run(encoder, tokenizer, tags, data, options, resume, listener, cancelled).run();
            done = r.extractor().isPresent();
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
        private final BioTags tags;
        private final List<SlotExample> data;
        private final ClassifyOptions options;
        private final boolean resume;
        private final TuneListener listener;
        private final BooleanSupplier cancelled;
        private final NDManager manager;
        private final long[][] ids;   // (examples) word-piece ids after truncation
        private final int[][] targets; // (examples) BIO tag per word piece, BioTags.IGNORE for special tokens
        private final String dataHash;

        Run(BertEncoder encoder, EncoderTokenizer tokenizer, BioTags tags, List<SlotExample> data, ClassifyOptions options, boolean resume,
            TuneListener listener, BooleanSupplier cancelled) {
            this.encoder = encoder;
            this.tokenizer = tokenizer;
            this.tags = tags;
            this.data = data;
            this.options = options;
            this.resume = resume;
            this.listener = listener;
            this.cancelled = cancelled;
            this.manager = encoder.manager();
            this.ids = new long[data.size()][];
            this.targets = new int[data.size()][];
            for (int i = 0; i < data.size(); i++) {
                EncoderTokenizer.Tokens t = tokenizer.tokens(data.get(i).text());
                ids[i] = t.ids();
                targets[i] = tags.encode(data.get(i), t);
            }
            this.dataHash = hash(data, tags.slots());
        }

        ExtractResult run() {
            ClassifyOptions.Mode mode = options.mode();
            int hidden = encoder.config().hiddenSize(), n = tags.size();
            // Head: N(0, 0.02) as transformers initialises a token classifier, bias zero.
            Random random = new Random(options.seed());
            float[] w = new float[n * hidden];
            for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
            NDArray headWeight = Torch.floats(manager, w, n, hidden); // (tags, hidden)
            NDArray headBias = manager.zeros(new Shape(n));          // (tags)
            Map<String, NDArray> head = new LinkedHashMap<>();
            head.put("tagger.weight", headWeight);
            head.put("tagger.bias", headBias);

            EncoderLora lora = mode == ClassifyOptions.Mode.LORA
                    ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), options.loraTargets(), manager, options.seed() + 1)
                    : null;
            Map<String, NDArray> body = switch (mode) {
                case FROZEN -> Map.of();
                case LORA -> lora.named();
                case FULL -> encoder.weights().named();
            };
            Extractor extractor = new Extractor(mode, encoder, lora, headWeight, headBias, tags, tokenizer);

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
            int truncated = (int) Arrays.stream(ids).filter(r -> r.length >= options.maxLength()).count();
            listener.onStart(new TunePlan(method, "encoder-extractor", data.size(), 0, truncated, 0, stepsPerEpoch, totalSteps, startStep,
                    trainableCount, encoder.weights().parameterCount()));

            long started = System.nanoTime();
            double loss = Double.NaN;
            boolean interrupted = false;
            try (RunLog log = RunLog.open(out.resolve(RUN_LOG), from.isPresent() ? startStep : -1)) {
                while (step < totalSteps) {
                    int epoch = step / stepsPerEpoch;
                    int[] order = order(epoch);
                    int first = (step % stepsPerEpoch) * options.batchSize();
                    int[] batch = Arrays.copyOfRange(order, first, Math.min(order.length, first + options.batchSize()));
                    long t0 = System.nanoTime();
                    long tokens;
                    try (NDManager scope = manager.newSubManager()) {
                        EncoderTokenizer.Batch b = EncoderTokenizer.batch(IntStream.of(batch).mapToObj(i -> ids[i]).toArray(long[][]::new), scope);
                        tokens = b.tokens();
                        int t = Math.toIntExact(b.ids().getShape().get(1));
                        long[] target = new long[batch.length * t];
                        float[] weight = new float[batch.length * t];
                        int counted = 0;
                        for (int r = 0; r < batch.length; r++) {
                            int[] row = targets[batch[r]];
                            for (int j = 0; j < row.length; j++) {
                                if (row[j] == BioTags.IGNORE) continue;
                                target[r * t + j] = row[j];
                                weight[r * t + j] = 1f;
                                counted++;
                            }
                        }
                        NDArray targetArray = Torch.longs(scope, target, batch.length, t, 1); // (B, T, 1)
                        NDArray weightArray = Torch.floats(scope, weight, batch.length, t);   // (B, T)
                        try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                            NDArray states = encoder.forward(b.ids(), b.mask(), lora);          // (B, T, hidden)
                            NDArray logProbs = extractor.logits(states).logSoftmax(-1);         // (B, T, tags)
                            NDArray picked = logProbs.gather(targetArray, 2).reshape(batch.length, t); // (B, T)
                            NDArray l = picked.mul(weightArray).sum().neg().div(Torch.scalar(scope, Math.max(1, counted))); // ()
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
                        ArrayNode slotArray = state.putArray("slots");
                        tags.slots().forEach(slotArray::add);
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
            trainable.values().forEach(a -> a.setRequiresGradient(false));
            double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
            if (interrupted) {
                extractor.close();
                return new ExtractResult(Optional.empty(), Optional.empty(), step, totalSteps, startStep, loss, true, out.resolve(RUN_LOG),
                        seconds(elapsed));
            }
            extractor.save(out);
            return new ExtractResult(Optional.of(extractor), Optional.of(out), step, totalSteps, startStep, loss, false, out.resolve(RUN_LOG),
                    seconds(elapsed));
        }

        /** Epoch {@code epoch}'s order of examples: shuffled by a generator seeded from the seed and the epoch. */
        private int[] order(int epoch) {
            List<Integer> order = new ArrayList<>(IntStream.range(0, data.size()).boxed().toList());
            Collections.shuffle(order, new Random(options.seed() * 31 + epoch + 1));
            return order.stream().mapToInt(Integer::intValue).toArray();
        }

        private void check(Checkpoint c) {
            String mode = c.state().path("mode").asText();
            if (!mode.equals(options.mode().name()) || !dataHash.equals(c.state().path("data_sha256").asText()))
                throw new IllegalArgumentException("checkpoint " + c.dir() + " belongs to another run (mode " + mode + ", other data or slots); "
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

    private static String hash(List<SlotExample> data, List<String> slots) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(String.join(",", slots).getBytes(StandardCharsets.UTF_8));
            for (SlotExample e : data) {
                d.update((byte) '\n');
                d.update(e.text().getBytes(StandardCharsets.UTF_8));
                for (SlotExample.Span s : e.spans()) d.update(("\0" + s.slot() + ":" + s.start() + "-" + s.end()).getBytes(StandardCharsets.UTF_8));
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
