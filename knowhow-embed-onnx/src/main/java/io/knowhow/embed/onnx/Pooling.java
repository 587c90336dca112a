package io.knowhow.embed.onnx;

/** How a sentence vector is made from the per-token vectors of {@code last_hidden_state}. */
public enum Pooling {
    /** Mean of the token vectors the attention mask marks as real (sentence-transformers models). */
    MEAN,
    /** The first token's vector, {@code [CLS]} for BERT models (bge, e5 use this). */
    CLS
}
