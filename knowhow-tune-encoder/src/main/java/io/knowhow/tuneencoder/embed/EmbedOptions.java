package io.knowhow.tuneencoder.embed;

import io.knowhow.tuneencoder.model.EncoderLora;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to adapt the encoder for retrieval.
 *
 * @param method       LoRA on the attention projections, or every weight
 * @param output       the artifact directory (also holds run-log.jsonl)
 * @param epochs       passes over the pairs
 * @param batchSize    pairs per step; each query's negatives are the other passages of its batch, so larger is harder
 * @param learningRate peak learning rate (warm-up, then cosine)
 * @param warmupRatio  share of steps of warm-up
 * @param weightDecay  AdamW decoupled weight decay
 * @param clip         gradient norm clip; 0 for none
 * @param maxLength    tokens per text including [CLS] and [SEP]
 * @param loraRank     LoRA rank
 * @param loraAlpha    LoRA alpha
 * @param scale        cosine similarities are multiplied by this before the softmax (sentence-transformers' 20)
 * @param checkpointEvery write a checkpoint every this many steps; 0 for only when cancelled
 * @param seed         order of pairs and adapter initialisation
 */
public record EmbedOptions(Method method, Path output, int epochs, int batchSize, double learningRate, double warmupRatio, double weightDecay,
                           double clip, int maxLength, int loraRank, double loraAlpha, double scale, int checkpointEvery, long seed) {
    /** What is trained. */
    public enum Method { LORA, FULL }

    public EmbedOptions {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(output, "output");
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batchSize < 2) throw new IllegalArgumentException("batch size must be at least 2 (in-batch negatives), got " + batchSize);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        if (warmupRatio < 0 || warmupRatio > 1) throw new IllegalArgumentException("warm-up ratio must be in [0, 1], got " + warmupRatio);
        if (weightDecay < 0 || clip < 0) throw new IllegalArgumentException("weight decay and clip must not be negative");
        if (maxLength < 3 || maxLength > 256) throw new IllegalArgumentException("max length must be in [3, 256] tokens, got " + maxLength);
        if (loraRank < 1 || !(loraAlpha > 0)) throw new IllegalArgumentException("LoRA rank must be ≥ 1 and alpha positive");
        if (!(scale > 0)) throw new IllegalArgumentException("similarity scale must be positive, got " + scale);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must not be negative, got " + checkpointEvery);
    }

    /** LoRA rank 8, alpha 16, rate 1e-3 (FULL 2e-5); 1 epoch, batch 16, warm-up 10 %, decay 0.01, clip 1, 256 tokens, scale 20, no periodic checkpoints. */
    public static EmbedOptions defaults(Method method, Path output) {
        return new EmbedOptions(method, output, 1, 16, method == Method.LORA ? 1e-3 : 2e-5, 0.1, 0.01, 1.0, 256, 8, 16, 20, 0, 42);
    }

    public EmbedOptions with(int epochs, int batchSize, double learningRate, int maxLength) {
        return new EmbedOptions(method, output, epochs, batchSize, learningRate, warmupRatio, weightDecay, clip, maxLength, loraRank, loraAlpha,
                scale, checkpointEvery, seed);
    }

    public EmbedOptions withCheckpointEvery(int v) {
        return new EmbedOptions(method, output, epochs, batchSize, learningRate, warmupRatio, weightDecay, clip, maxLength, loraRank, loraAlpha,
                scale, v, seed);
    }

    public EmbedOptions withSeed(long v) {
        return new EmbedOptions(method, output, epochs, batchSize, learningRate, warmupRatio, weightDecay, clip, maxLength, loraRank, loraAlpha,
                scale, checkpointEvery, v);
    }

    /** The LoRA targets: the attention projections. */
    static java.util.List<String> targets() {
        return EncoderLora.ATTENTION;
    }
}
