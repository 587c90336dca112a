package io.knowhow.tuneencoder.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneOptions;
import io.knowhow.tune.model.Torch;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.model.SentenceEmbedder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.DataHash;
import io.knowhow.tuneencoder.train.EncoderTrainingRun;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>The loop, checkpoints, resume and run log are {@link EncoderTrainingRun}'s, shared with extraction and
 * retrieval adaptation; this class says what a batch's loss is.
 */
public final class ClassifierTrainer {
    static final String CHECKPOINTS = EncoderTrainingRun.CHECKPOINTS;
    static final String RUN_LOG = EncoderTrainingRun.RUN_LOG;

    private ClassifierTrainer() {}

    /** Trains from the bundled encoder; see {@link #train(Map, List, EncoderTuneOptions, boolean, TuneListener, BooleanSupplier)}. */
    public static ClassifyResult train(List<LabeledText> data, EncoderTuneOptions options, TuneListener listener) {
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
    public static ClassifyResult train(Map<String, OnnxGraph.Tensor> base, List<LabeledText> data, EncoderTuneOptions options, boolean resume,
                                       TuneListener listener, BooleanSupplier cancelled) {
        List<String> labels = new ArrayList<>(new TreeSet<>(data.stream().map(LabeledText::label).toList()));
        if (labels.size() < 2) throw new IllegalArgumentException("classification needs at least two labels, the data has " + labels);
        return EncoderTrainingRun.withBundledEncoder(base, options.maxLength(),
                (encoder, tokenizer) -> new Run(encoder, tokenizer, labels, data, options, resume, listener, cancelled).run(),
                r -> r.classifier().isPresent());
    }

    /** One run's state. */
    private static final class Run {
        private final BertEncoder encoder;
        private final EncoderTokenizer tokenizer;
        private final List<String> labels;
        private final List<LabeledText> data;
        private final EncoderTuneOptions options;
        private final boolean resume;
        private final TuneListener listener;
        private final BooleanSupplier cancelled;
        private final NDManager manager;
        private final long[] labelIds;   // (examples) label index of each example
        private final int[] tokenCounts; // (examples) tokens after truncation
        private final String dataHash;

        Run(BertEncoder encoder, EncoderTokenizer tokenizer, List<String> labels, List<LabeledText> data, EncoderTuneOptions options,
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
            EncoderTuneOptions.Mode mode = options.mode();
            int hidden = encoder.config().hiddenSize();
            Map<String, NDArray> head = EncoderTrainingRun.newHead("classifier", labels.size(), hidden, options.seed(), manager);
            NDArray headWeight = head.get("classifier.weight"); // (labels, hidden)
            NDArray headBias = head.get("classifier.bias");     // (labels)

            EncoderLora lora = mode == EncoderTuneOptions.Mode.LORA
                    ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), options.loraTargets(), manager, options.seed() + 1)
                    : null;
            Map<String, NDArray> body = switch (mode) {
                case FROZEN -> Map.of();
                case LORA -> lora.named();
                case FULL -> encoder.weights().named();
            };
            Classifier classifier = new Classifier(mode, encoder, lora, headWeight, headBias, labels, tokenizer);

            NDArray features = null; // FROZEN: (examples, hidden) pooled vectors, computed once
            if (mode == EncoderTuneOptions.Mode.FROZEN) {
                float[][] pooled = new SentenceEmbedder(encoder, null, tokenizer, 64).pooled(data.stream().map(LabeledText::text).toList(), false);
                float[] flat = new float[pooled.length * hidden];
                for (int i = 0; i < pooled.length; i++) System.arraycopy(pooled[i], 0, flat, i * hidden, hidden);
                features = Torch.floats(manager, flat, pooled.length, hidden);
            }
            NDArray cached = features;
            EncoderTrainingRun.Task task = new EncoderTrainingRun.Task() {
                @Override public String kind() { return "encoder-classifier"; }
                @Override public int examples() { return data.size(); }
                @Override public int truncated() { return Run.this.truncated(); }

                @Override
                public EncoderTrainingRun.BatchLoss loss(int[] batch, NDManager scope) {
                    long[] rows = IntStream.of(batch).asLongStream().toArray();
                    NDArray target = Torch.longs(scope, IntStream.of(batch).mapToLong(i -> labelIds[i]).toArray(), batch.length, 1); // (B, 1)
                    NDArray pooled; // (B, hidden)
                    if (cached != null) {
                        pooled = cached.get(new NDIndex("{}", Torch.longs(scope, rows, rows.length)));
                        pooled.attach(scope);
                    } else {
                        EncoderTokenizer.Batch b = tokenizer.batch(IntStream.of(batch).mapToObj(i -> data.get(i).text()).toList(), scope);
                        pooled = BertEncoder.meanPool(encoder.forward(b.ids(), b.mask(), lora), b.mask());
                    }
                    NDArray logProbs = classifier.logits(pooled).logSoftmax(-1);                          // (B, labels)
                    NDArray l = logProbs.gather(target, 1).sum().neg().div(Torch.scalar(scope, batch.length)); // ()
                    if (options.labelSmoothing() > 0) { // (1 − ε) · cross-entropy + ε · cross-entropy against the uniform distribution
                        float eps = (float) options.labelSmoothing();
                        NDArray uniform = logProbs.mean(new int[] {-1}).sum().neg().div(Torch.scalar(scope, batch.length)); // ()
                        l = l.mul(Torch.scalar(scope, 1 - eps)).add(uniform.mul(Torch.scalar(scope, eps)));
                    }
                    long tokens = 0;
                    for (int i : batch) tokens += tokenCounts[i];
                    return new EncoderTrainingRun.BatchLoss(l, tokens);
                }

                @Override
                public void describe(ObjectNode state) {
                    ArrayNode labelArray = state.putArray("labels");
                    labels.forEach(labelArray::add);
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
            EncoderTrainingRun.Outcome o;
            try {
                o = EncoderTrainingRun.run(task, head, body, encoder.weights().parameterCount(), settings, resume, listener, cancelled, manager);
            } finally {
                if (features != null) features.close();
            }
            if (o.interrupted()) {
                classifier.close();
                return new ClassifyResult(Optional.empty(), Optional.empty(), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(), true,
                        o.runLog(), o.elapsed());
            }
            classifier.save(out);
            return new ClassifyResult(Optional.of(classifier), Optional.of(out), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(), false,
                    o.runLog(), o.elapsed());
        }

        private int truncated() {
            int n = 0;
            for (int c : tokenCounts) if (c >= options.maxLength()) n++;
            return n;
        }
    }

    private static String hash(List<LabeledText> data) {
        DataHash h = new DataHash();
        for (LabeledText t : data) h.add(t.text()).add(t.label());
        return h.hex();
    }
}
