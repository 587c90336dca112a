package io.knowhow.tuneencoder.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Adapts the encoder for retrieval on (query, passage) pairs with in-batch negatives (the multiple
 * negatives ranking loss of sentence-transformers): for a batch of B pairs,
 * <pre>
 * q = normalize(meanPool(encoder(queries)))      (B, hidden)
 * p = normalize(meanPool(encoder(passages)))     (B, hidden)
 * loss = cross_entropy(scale · q·pᵀ, diagonal)   each query must pick its own passage among the B
 * </pre>
 * LoRA or full. The loop, checkpoints, resume and run log are {@link EncoderTrainingRun}'s, shared with
 * classification and extraction.
 */
public final class EmbeddingTrainer {
    static final String RUN_LOG = EncoderTrainingRun.RUN_LOG;

    private EmbeddingTrainer() {}

    /**
     * The outcome of a run.
     *
     * @param embedder    the adapted embedder, in memory (the caller closes it); empty when interrupted
     * @param artifact    the directory {@link TunedEmbedder#load} reads; empty when interrupted
     * @param steps       optimizer steps completed, including those before a resume
     * @param totalSteps  steps planned
     * @param startStep   steps restored from a checkpoint (0 for a fresh run)
     * @param finalLoss   loss of the last step
     * @param interrupted whether the run stopped early on request (a checkpoint holds its state)
     * @param runLog      the JSONL run log
     * @param elapsed     wall time, including time before a resume
     */
    public record Result(Optional<TunedEmbedder> embedder, Optional<Path> artifact, int steps, int totalSteps, int startStep, double finalLoss,
                         boolean interrupted, Path runLog, Duration elapsed) {}

    /** A fresh run that is not cancelled; see {@link #train(Map, List, EmbedOptions, boolean, TuneListener, BooleanSupplier)}. */
    public static Result train(Map<String, OnnxGraph.Tensor> base, List<TextPair> pairs, EmbedOptions options, TuneListener listener) {
        return train(base, pairs, options, false, listener, () -> false);
    }

    /**
     * Trains on {@code pairs} from the base weights {@code base} (see {@link BundledEncoder#tensors()}) and
     * writes the artifact to {@code options.output()}.
     *
     * @param resume    continue from the newest checkpoint in the output directory, if there is one
     * @param cancelled polled after every step; when it turns true a checkpoint is written and the run stops
     * @throws IllegalArgumentException with fewer than two pairs, or when the checkpoint belongs to other pairs
     */
    public static Result train(Map<String, OnnxGraph.Tensor> base, List<TextPair> pairs, EmbedOptions options, boolean resume,
                               TuneListener listener, BooleanSupplier cancelled) {
        if (pairs.size() < 2) throw new IllegalArgumentException("in-batch negatives need at least two pairs, got " + pairs.size());
        return EncoderTrainingRun.withBundledEncoder(base, options.maxLength(), (encoder, tokenizer) -> run(encoder, tokenizer, pairs, options,
                resume, listener, cancelled), r -> r.embedder().isPresent());
    }

    private static Result run(BertEncoder encoder, EncoderTokenizer tok, List<TextPair> pairs, EmbedOptions options, boolean resume,
                              TuneListener listener, BooleanSupplier cancelled) {
        NDManager manager = encoder.manager();
        EncoderLora lora = options.method() == EmbedOptions.Method.LORA
                ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), EmbedOptions.targets(), manager, options.seed())
                : null;
        Map<String, NDArray> body = lora != null ? lora.named() : encoder.weights().named();
        NDArray scale = Torch.scalar(manager, (float) options.scale()); // () long-lived: see Torch
        NDArray eps = Torch.scalar(manager, 1e-12f);                  // ()
        EncoderTrainingRun.Task task = new EncoderTrainingRun.Task() {
            @Override public String kind() { return "encoder-embedder"; }
            @Override public int examples() { return pairs.size(); }
            @Override public int truncated() { return 0; }

            @Override
            public EncoderTrainingRun.BatchLoss loss(int[] rows, NDManager scope) {
                if (rows.length < 2) return null; // a last batch of one has no negative
                List<TextPair> batch = IntStream.of(rows).mapToObj(pairs::get).toList();
                EncoderTokenizer.Batch qb = tok.batch(batch.stream().map(TextPair::query).toList(), scope);
                EncoderTokenizer.Batch pb = tok.batch(batch.stream().map(TextPair::passage).toList(), scope);
                long[] diagonal = IntStream.range(0, batch.size()).asLongStream().toArray();
                NDArray target = Torch.longs(scope, diagonal, batch.size(), 1); // (B, 1)
                NDArray q = unit(BertEncoder.meanPool(encoder.forward(qb.ids(), qb.mask(), lora), qb.mask()), eps); // (B, hidden)
                NDArray p = unit(BertEncoder.meanPool(encoder.forward(pb.ids(), pb.mask(), lora), pb.mask()), eps); // (B, hidden)
                NDArray scores = q.matMul(p.transpose()).mul(scale);                                           // (B, B)
                NDArray l = scores.logSoftmax(-1).gather(target, 1).sum().neg().div(Torch.scalar(scope, batch.size()));
                return new EncoderTrainingRun.BatchLoss(l, qb.tokens() + pb.tokens());
            }
        };
        DataHash hash = new DataHash().add(Integer.toString(options.maxLength()));
        for (TextPair pair : pairs) hash.add(pair.query()).add(pair.passage());
        TuneOptions.Method method = lora != null ? TuneOptions.Method.LORA : TuneOptions.Method.FULL;
        EncoderTrainingRun.Settings settings = new EncoderTrainingRun.Settings(options.method().name(), method, options.output(),
                options.epochs(), options.batchSize(), options.learningRate(), options.learningRate(), options.warmupRatio(),
                options.weightDecay(), options.clip(), options.checkpointEvery(), options.seed(), hash.hex());
        EncoderTrainingRun.Outcome o = EncoderTrainingRun.run(task, Map.of(), body, encoder.weights().parameterCount(), settings, resume,
                listener, cancelled, manager);
        if (o.interrupted())
            return new Result(Optional.empty(), Optional.empty(), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(), true, o.runLog(),
                    o.elapsed());
        TunedEmbedder embedder = new TunedEmbedder(options.method(), encoder, lora, tok,
                BundledEncoder.NAME + "+tuned:" + options.output().toAbsolutePath().normalize().getFileName());
        embedder.save(options.output());
        return new Result(Optional.of(embedder), Optional.of(options.output()), o.steps(), o.totalSteps(), o.startStep(), o.finalLoss(),
                false, o.runLog(), o.elapsed());
    }

    /** Rows scaled to unit length, differentiably: x / sqrt(Σx² + eps). */
    private static NDArray unit(NDArray x, NDArray eps) {
        return x.div(x.square().sum(new int[] {-1}, true).add(eps).sqrt());
    }
}
