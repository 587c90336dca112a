package io.knowhow.tuneencoder.model;

/**
 * The shape of a BERT encoder.
 *
 * @param vocabSize      word-piece vocabulary
 * @param hiddenSize     width of the residual stream
 * @param layers         transformer layers
 * @param heads          attention heads (hiddenSize must divide evenly)
 * @param intermediate   width of the feed-forward layer
 * @param maxPositions   learned position embeddings, the longest input
 * @param layerNormEps   LayerNorm epsilon (1e-12 for BERT)
 */
public record EncoderConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediate, int maxPositions, double layerNormEps) {
    public EncoderConfig {
        if (vocabSize < 1 || hiddenSize < 1 || layers < 1 || heads < 1 || intermediate < 1 || maxPositions < 1)
            throw new IllegalArgumentException("encoder dimensions must be positive: vocab " + vocabSize + ", hidden " + hiddenSize
                    + ", layers " + layers + ", heads " + heads + ", intermediate " + intermediate + ", positions " + maxPositions);
        if (hiddenSize % heads != 0)
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not divisible by " + heads + " heads");
    }

    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, 384 wide, 12 heads of 32. */
    public static final EncoderConfig MINILM_L6 = new EncoderConfig(30522, 384, 6, 12, 1536, 512, 1e-12);

    public int headDim() {
        return hiddenSize / heads;
    }
}
