package io.knowhow.tuneencoder.extract;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneOptions;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.DataHash;
import io.knowhow.tuneencoder.train.EncoderTrainingRun;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Trains an {@link Extractor}: a linear tagging head on every word piece's hidden state, with the encoder
 * frozen, adapted by LoRA or fully fine-tuned (the modes and options of {@link EncoderTuneOptions}), by
 * token-level cross-entropy over BIO tags, AdamW and a warm-up/cosine schedule (knowhow-tune's).
 *
 * <p>Unlike the classifier, FROZEN runs the encoder forward every step (without a gradient): caching
 * per-token states would hold (tokens × hidden) per example, and the forward pass is the cheap half of
 * a LoRA step anyway. The loss averages over real word pieces; [CLS], [SEP] and padding take no part.
 * The head and the encoder's trained arrays have separate AdamW instances, each with its own rate.
 *
 * <p>The loop, checkpoints, resume and run log are {@link EncoderTrainingRun}'s, shared with classification
 * and retrieval adaptation; this class says what a batch's loss is.
 */
public final class ExtractorTrainer {
    /** The Restaurant-8k slots, in the order {@link Extractor#extract} reports them. */
    public static final List<String> RESTAURANT_SLOTS = List.of("people", "date", "time", "first_name", "last_name");
    static final String CHECKPOINTS = EncoderTrainingRun.CHECKPOINTS;
    static final String RUN_LOG = EncoderTrainingRun.RUN_LOG;

    private ExtractorTrainer() {}

    /** Trains from the bundled encoder; see {@link #train(Map, List, List, EncoderTuneOptions, boolean, TuneListener, BooleanSupplier)}. */
    public static ExtractResult train(List<SlotExample> data, List<String> slots, EncoderTuneOptions options, TuneListener listener) {
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
    public static ExtractResult train(Map<String, OnnxGraph.Tensor> base, List<SlotExample> data, List<String> slots, EncoderTuneOptions options,
                                      boolean resume, TuneListener listener, BooleanSupplier cancelled) {
        if (data.isEmpty()) throw new IllegalArgumentException("extraction needs at least one example");
        BioTags tags = new BioTags(slots);
        return EncoderTrainingRun.withBundledEncoder(base, options.maxLength(),
                (encoder, tokenizer) -> new Run(encoder, tokenizer, tags, data, options, resume, listener, cancelled).run(),
                r -> r.extractor().isPresent());
    }

    /** One run's state. */
    private static final class Run {
        private final BertEncoder encoder;
        private final EncoderTokenizer tokenizer;
        private final BioTags tags;
        private final List<SlotExample> data;
        private final EncoderTuneOptions options;
        private final boolean resume;
        private final TuneListener listener;
        private final BooleanSupplier cancelled;
        private final NDManager manager;
        private final long[][] ids;   // (examples) word-piece ids after truncation
        private final int[][] targets; // (examples) BIO tag per word piece, BioTags.IGNORE for special tokens
        private final String dataHash;

        Run(BertEncoder encoder, EncoderTokenizer tokenizer, BioTags tags, List<SlotExample> data, EncoderTuneOptions options, boolean resume,
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
            EncoderTuneOptions.Mode mode = options.mode();
            int hidden = encoder.config().hiddenSize(), n = tags.size();
            Map<String, NDArray> head = EncoderTrainingRun.newHead("tagger", n, hidden, options.seed(), manager);
            NDArray headWeight = head.get("tagger.weight"); // (tags, hidden)
            NDArray headBias = head.get("tagger.bias");     // (tags)

            EncoderLora lora = mode == EncoderTuneOptions.Mode.LORA
                    ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), options.loraTargets(), manager, options.seed() + 1)
                    : null;
            Map<String, NDArray> body = switch (mode) {
                case FROZEN -> Map.of();
                case LORA -> lora.named();
                case FULL -> encoder.weights().named();
            };
            Extractor extractor = new Extractor(mode, encoder, lora, headWeight, headBias, tags, tokenizer);

            EncoderTrainingRun.Task task = new EncoderTrainingRun.Task() {
                @Override public String kind() { return "encoder-extractor"; }
                @Override public int examples() { return data.size(); }
                @Override public int truncated() { return (int) Arrays.stream(ids).filter(r -> r.length >= options.maxLength()).count(); }

                @Override
                public EncoderTrainingRun.BatchLoss loss(int[] batch, NDManager scope) {
                    EncoderTokenizer.Batch b = EncoderTokenizer.batch(IntStream.of(batch).mapToObj(i -> ids[i]).toArray(long[][]::new), scope);
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
                    NDArray states = encoder.forward(b.ids(), b.mask(), lora);            // (B, T, hidden)
                    NDArray logProbs = extractor.logits(states).logSoftmax(-1);           // (B, T, tags)
                    NDArray picked = logProbs.gather(targetArray, 2).reshape(batch.length, t); // (B, T)
                    NDArray l = picked.mul(weightArray).sum().neg().div(Torch.scalar(scope, Math.max(1, counted))); // ()
                    return new EncoderTrainingRun.BatchLoss(l, b.tokens());
                }

                @Override
                public void describe(ObjectNode state) {
                    ArrayNode slotArray = state.putArray("slots");
                    tags.slots().forEach(slotArray::add);
                }
            };
            // TunePlan's method is the decoder tuner's enum: null stands for FROZEN (head only).
            TuneOptions.Method method = switch (mode) {
                case FROZEN -> null;
                case LORA -> TuneOptions.Method.LORA;
                case FULL -> TuneOptions.Method.FULL;
            };
            Path out = options.output();
            EncoderTrainingRun.Settings settings = new EncoderTrainingRun.Settings(mode.name(), method, out, options.epochs(), options.batchSize(),
                    options.learningRate(), options.headLearningRate(), options.warmupRatio(), options.weightDecay(), options.clip(),
                    options.checkpointEvery(), options.seed(), dataHash);
            EncoderTrainingRun.Outcome o = EncoderTrainingRun.run(task, head, body, encoder.weights().parameterCount(), settings, resume, listener,
                    cancelled, manager);
            if (o.interrupted()) {
                extractor.close();
                return new ExtractResult(Optional.empty(), Optional.empty(), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(), true,
                        o.runLog(), o.elapsed());
            }
            extractor.save(out);
            return new ExtractResult(Optional.of(extractor), Optional.of(out), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(), false,
                    o.runLog(), o.elapsed());
        }
    }

    private static String hash(List<SlotExample> data, List<String> slots) {
        DataHash h = new DataHash().add(String.join(",", slots));
        for (SlotExample e : data) {
            h.add(e.text());
            for (SlotExample.Span s : e.spans()) h.add(s.slot() + ":" + s.start() + "-" + s.end());
            h.add("\n");
        }
        return h.hex();
    }
}
