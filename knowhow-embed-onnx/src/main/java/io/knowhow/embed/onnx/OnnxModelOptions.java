package io.knowhow.embed.onnx;

import java.util.Objects;

/**
 * Describes how to use an ONNX sentence-embedding model: its name, pooling, query prefix and
 * sequence limit.
 *
 * @param name              identifies the model in {@code EmbedderInfo.id}; a knowledge base built
 *                          with one name refuses queries embedded under another, so change it when
 *                          the model file or these options change
 * @param pooling           how token vectors become one sentence vector; the model card says which
 * @param queryPrefix       prepended to queries only, never to passages (bge: "Represent this
 *                          sentence for searching relevant passages: "); empty for symmetric models
 * @param maxSequenceLength tokens the model sees per text <em>including</em> special tokens such as
 *                          [CLS] and [SEP] (the sentence-transformers {@code max_seq_length}); longer
 *                          texts are truncated. At most the model's position embeddings (512 for
 *                          BERT-style models)
 */
public record OnnxModelOptions(String name, Pooling pooling, String queryPrefix, int maxSequenceLength) {
    /** Smallest limit accepted: EmbedderInfo needs 8 content tokens, plus room for special tokens. */
    static final int MIN_SEQUENCE_LENGTH = 16;

    public OnnxModelOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(queryPrefix, "queryPrefix (use \"\" for none)");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank: it identifies the model in the knowledge base");
        }
        // '@' separates the model name from the runtime version in EmbedderInfo.id.
        if (name.contains("@")) {
            throw new IllegalArgumentException("model name must not contain '@': " + name);
        }
        if (maxSequenceLength < MIN_SEQUENCE_LENGTH) {
            throw new IllegalArgumentException("maxSequenceLength must be at least " + MIN_SEQUENCE_LENGTH
                    + " (tokens including [CLS]/[SEP]), was " + maxSequenceLength);
        }
    }

    /** Options for a symmetric model (no query prefix). */
    public static OnnxModelOptions of(String name, Pooling pooling, int maxSequenceLength) {
        return new OnnxModelOptions(name, pooling, "", maxSequenceLength);
    }

    /** A copy with another query prefix. */
    public OnnxModelOptions withQueryPrefix(String prefix) {
        return new OnnxModelOptions(name, pooling, prefix, maxSequenceLength);
    }

    /** A copy with another sequence limit (keep {@link #name} distinct if vectors change). */
    public OnnxModelOptions withMaxSequenceLength(int length) {
        return new OnnxModelOptions(name, pooling, queryPrefix, length);
    }

    /** A copy under another name. */
    public OnnxModelOptions withName(String newName) {
        return new OnnxModelOptions(newName, pooling, queryPrefix, maxSequenceLength);
    }
}
