package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.Torch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Embeds texts with a {@link BertEncoder} (and optional LoRA adapter): mean pooling, then L2
 * normalisation, as sentence-transformers does for all-MiniLM-L6-v2. Texts are sorted by length and
 * batched so that little padding is computed; results come back in input order.
 */
public final class SentenceEmbedder {
    private final BertEncoder encoder;
    private final EncoderLora lora;
    private final EncoderTokenizer tokenizer;
    private final int batchSize;

    /**
     * @param lora      adapter to apply, or null
     * @param batchSize texts per forward pass
     */
    public SentenceEmbedder(BertEncoder encoder, EncoderLora lora, EncoderTokenizer tokenizer, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        this.encoder = encoder;
        this.lora = lora;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
    }

    /** Unit-length vectors, one per text, in order. */
    public float[][] embed(List<String> texts) {
        return pooled(texts, true);
    }

    /**
     * Mean-pooled vectors, one per text, in order.
     *
     * @param normalize scale each to unit length
     */
    public float[][] pooled(List<String> texts, boolean normalize) {
        int n = texts.size();
        int hidden = encoder.config().hiddenSize();
        float[][] out = new float[n][];
        int[] lengths = texts.stream().mapToInt(t -> t.length()).toArray();
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        order.sort(Comparator.comparingInt(i -> lengths[i]));
        boolean grad = Torch.gradMode();
        Torch.gradMode(false);
        try {
            for (int s = 0; s < n; s += batchSize) {
                List<Integer> idx = order.subList(s, Math.min(n, s + batchSize));
                try (NDManager scope = encoder.manager().newSubManager()) {
                    EncoderTokenizer.Batch b = tokenizer.batch(idx.stream().map(texts::get).toList(), scope);
                    NDArray v = BertEncoder.meanPool(encoder.forward(b.ids(), b.mask(), lora), b.mask());
                    if (normalize) v = BertEncoder.normalize(v);
                    float[] flat = v.toFloatArray();
                    for (int r = 0; r < idx.size(); r++) {
                        float[] row = new float[hidden];
                        System.arraycopy(flat, r * hidden, row, 0, hidden);
                        out[idx.get(r)] = row;
                    }
                }
            }
        } finally {
            Torch.gradMode(grad);
        }
        return out;
    }
}
