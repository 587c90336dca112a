package io.knowhow.embed.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model's Hugging Face tokenizer, opened twice: once the way the encoder sees text, once the way
 * chunkers count it. Thread-safe, like the DJL tokenizer it wraps.
 */
final class ModelTokenizer implements AutoCloseable {
    /** Truncates to the model limit and adds special tokens: what the model sees. */
    private final HuggingFaceTokenizer encoder;
    /** No truncation, no special tokens: what {@link #count} reports, so chunkers see true lengths. */
    private final HuggingFaceTokenizer counter;

    private ModelTokenizer(HuggingFaceTokenizer encoder, HuggingFaceTokenizer counter) {
        this.encoder = encoder;
        this.counter = counter;
    }

    /** Opens both tokenizers from {@code source}; on failure closes what was opened. */
    static ModelTokenizer open(ModelSource source, int maxSequenceLength) {
        HuggingFaceTokenizer encoder = source.openTokenizer(Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "maxLength", Integer.toString(maxSequenceLength),
                // The bundled MiniLM tokenizer.json pads to a fixed 128: we pad per batch instead.
                "padding", "false"));
        try {
            HuggingFaceTokenizer counter = source.openTokenizer(Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false"));
            return new ModelTokenizer(encoder, counter);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** Ids the encoder sees for {@code text}: special tokens added, truncated to the model limit. */
    long[] encode(String text) {
        return encoder.encode(text, true, false).getIds();
    }

    /** {@link #encode} for many texts in one native call. */
    List<long[]> encodeAll(List<String> texts) {
        Encoding[] encodings = encoder.batchEncode(texts, true, false);
        List<long[]> ids = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            ids.add(encoding.getIds());
        }
        return ids;
    }

    /** Tokens in {@code text} without special tokens and without truncation. */
    int count(String text) {
        return counter.encode(text, false, false).getIds().length;
    }

    /** Special tokens the encoder adds to every text ([CLS] and [SEP] for BERT). */
    int specialTokens() {
        return encode("").length;
    }

    @Override
    public void close() {
        encoder.close();
        counter.close();
    }
}
