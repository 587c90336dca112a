package io.knowhow.tuneencoder.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneOptions;
import io.knowhow.tune.TunePlan;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.train.AdamW;
import io.knowhow.tune.train.LearningRateSchedule;
import io.knowhow.tune.train.RunLog;
import io.knowhow.tuneencoder.model.BertEncoder;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderLora;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Adapts the encoder for retrieval on (query, passage) pairs with in-batch negatives (the multiple
 * negatives ranking loss of sentence-transformers): for a batch of B pairs,
 * <pre>
 * q = normalize(meanPool(encoder(queries)))      (B, hidden)
 * p = normalize(meanPool(encoder(passages)))     (B, hidden)
 * loss = cross_entropy(scale · q·pᵀ, diagonal)   each query must pick its own passage among the B
 * </pre>
 * LoRA or full, AdamW with warm-up/cosine, run log and progress events as knowhow-tune writes them.
 *
 * <p>NOTE: no checkpoints or resume here (the classifier trainer has them); a run is short or restarted.
 */
public final class EmbeddingTrainer {
    static final String RUN_LOG = "run-log.jsonl";

    private EmbeddingTrainer() {}

    /**
     * The outcome of a run.
     *
     * @param embedder  the adapted embedder, in memory (the caller closes it)
     * @param artifact  the directory {@link TunedEmbedder#load} reads
     * @param steps     optimizer steps
     * @param finalLoss loss of the last step
     * @param runLog    the JSONL run log
     * @param elapsed   wall time
     */
    public record Result(TunedEmbedder embedder, Path artifact, int steps, double finalLoss, Path runLog, Duration elapsed) {}

    /**
     * Trains on {@code pairs} from the base weights {@code base} (see {@link BundledEncoder#tensors()}) and
     * writes the artifact to {@code options.output()}.
     */
    public static Result train(Map<String, OnnxGraph.Tensor> base, List<TextPair> pairs, EmbedOptions options, TuneListener listener) {
        if (pairs.size() < 2) throw new IllegalArgumentException("in-batch negatives need at least two pairs, got " + pairs.size());
        BertEncoder encoder = BundledEncoder.load(base);
        EncoderTokenizer tokenizer = null;
        boolean handedOver = false;
        boolean gradBefore = Torch.gradMode();
        Torch.gradMode(false);
        try {
            tokenizer = BundledEncoder.tokenizer(options.maxLength());
            NDManager manager = encoder.manager();
            EncoderLora lora = options.method() == EmbedOptions.Method.LORA
                    ? EncoderLora.init(encoder.config(), options.loraRank(), options.loraAlpha(), EmbedOptions.targets(), manager, options.seed())
                    : null;
            Map<String, NDArray> trainable = lora != null ? lora.named() : encoder.weights().named();
            trainable.values().forEach(a -> a.setRequiresGradient(true));
            AdamW optimizer = AdamW.standard(trainable, manager, options.weightDecay());
            NDArray scale = Torch.scalar(manager, (float) options.scale()); // () long-lived: see Torch
            NDArray eps = Torch.scalar(manager, 1e-12f);                  // ()

            int stepsPerEpoch = (pairs.size() + options.batchSize() - 1) / options.batchSize();
            int totalSteps = stepsPerEpoch * options.epochs();
            LearningRateSchedule schedule = LearningRateSchedule.withWarmupRatio(options.learningRate(), options.warmupRatio(), totalSteps);
            listener.onStart(new TunePlan(lora != null ? TuneOptions.Method.LORA : TuneOptions.Method.FULL, "encoder-embedder", pairs.size(), 0, 0, 0,
                    stepsPerEpoch, totalSteps, 0, trainable.values().stream().mapToLong(a -> a.getShape().size()).sum(),
                    encoder.weights().parameterCount()));
            long started = System.nanoTime();
            double loss = Double.NaN;
            try (RunLog log = RunLog.open(options.output().resolve(RUN_LOG), -1)) {
                for (int step = 0; step < totalSteps; step++) {
                    int epoch = step / stepsPerEpoch;
                    List<Integer> order = new ArrayList<>(IntStream.range(0, pairs.size()).boxed().toList());
                    Collections.shuffle(order, new Random(options.seed() * 31 + epoch + 1));
                    int first = (step % stepsPerEpoch) * options.batchSize();
                    List<TextPair> batch = order.subList(first, Math.min(order.size(), first + options.batchSize())).stream().map(pairs::get).toList();
                    if (batch.size() < 2) continue; // a last batch of one has no negative
                    long t0 = System.nanoTime();
                    long tokens;
                    try (NDManager scope = manager.newSubManager()) {
                        EncoderTokenizer.Batch qb = tokenizer.batch(batch.stream().map(TextPair::query).toList(), scope);
                        EncoderTokenizer.Batch pb = tokenizer.batch(batch.stream().map(TextPair::passage).toList(), scope);
                        tokens = qb.tokens() + pb.tokens();
                        long[] diagonal = IntStream.range(0, batch.size()).asLongStream().toArray();
                        NDArray target = Torch.longs(scope, diagonal, batch.size(), 1); // (B, 1)
                        try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                            NDArray q = unit(BertEncoder.meanPool(encoder.forward(qb.ids(), qb.mask(), lora), qb.mask()), eps); // (B, hidden)
                            NDArray p = unit(BertEncoder.meanPool(encoder.forward(pb.ids(), pb.mask(), lora), pb.mask()), eps); // (B, hidden)
                            NDArray scores = q.matMul(p.transpose()).mul(scale);                                           // (B, B)
                            NDArray l = scores.logSoftmax(-1).gather(target, 1).sum().neg().div(Torch.scalar(scope, batch.size()));
                            collector.backward(l);
                            loss = l.getFloat();
                        }
                    }
                    double lr = schedule.at(step);
                    double gradNorm = optimizer.step(lr, options.clip());
                    double stepSeconds = (System.nanoTime() - t0) / 1e9;
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    log.step(step + 1, epoch + 1, loss, lr, gradNorm, tokens / stepSeconds, elapsed);
                    listener.onStep(new TuneProgress(step + 1, totalSteps, epoch + 1, loss, lr, gradNorm, tokens / stepSeconds,
                            Duration.ofMillis(Math.round(elapsed * 1000)),
                            Duration.ofMillis(Math.round(elapsed / (step + 1) * (totalSteps - step - 1) * 1000))));
                }
            }
            trainable.values().forEach(a -> a.setRequiresGradient(false));
            TunedEmbedder embedder = new TunedEmbedder(options.method(), encoder, lora, tokenizer,
                    BundledEncoder.NAME + "+tuned:" + options.output().toAbsolutePath().normalize().getFileName());
            embedder.save(options.output());
            handedOver = true;
            return new Result(embedder, options.output(), totalSteps, loss, options.output().resolve(RUN_LOG),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            Torch.gradMode(gradBefore);
            if (!handedOver) {
                if (tokenizer != null) tokenizer.close();
                encoder.close();
            }
        }
    }

    /** Rows scaled to unit length, differentiably: x / sqrt(Σx² + eps). */
    private static NDArray unit(NDArray x, NDArray eps) {
        return x.div(x.square().sum(new int[] {-1}, true).add(eps).sqrt());
    }
}
