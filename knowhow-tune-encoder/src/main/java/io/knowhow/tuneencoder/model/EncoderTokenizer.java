package io.knowhow.tuneencoder.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.knowhow.tune.model.Torch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Turns texts into padded batches of word-piece ids for a {@link BertEncoder}, with the Hugging Face
 * tokenizer: {@code [CLS] … [SEP]}, truncated to a maximum length, right-padded with id 0 per batch (the
 * bundled tokenizer.json pads to a fixed 128, which is turned off).
 */
public final class EncoderTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private EncoderTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** The tokenizer in the classpath resource {@code resource} (a tokenizer.json), truncating at {@code maxLength}. */
    public static EncoderTokenizer fromResource(String resource, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("maximum length must leave room for [CLS] and [SEP], got " + maxLength);
        try (InputStream in = EncoderTokenizer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("tokenizer resource '" + resource + "' is not on the class path");
            return new EncoderTokenizer(HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "true", "truncation", "true",
                    "maxLength", Integer.toString(maxLength), "padding", "false")), maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer resource " + resource + ": " + e.getMessage(), e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Token ids of {@code text}, special tokens included, truncated. */
    public long[] ids(String text) {
        Encoding e = tokenizer.encode(text);
        return e.getIds();
    }

    /**
     * Token ids of {@code text} with each token's character span in {@code text} (Java {@code char} indices,
     * usable with {@link String#substring}), for token classification. Special tokens ([CLS], [SEP]) are
     * marked and have the empty span (0, 0).
     */
    public Tokens tokens(String text) {
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        long[] special = e.getSpecialTokenMask();
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[ids.length], ends = new int[ids.length];
        boolean[] isSpecial = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            // DJL gives no span (null) for special tokens; the mask is the authority either way.
            isSpecial[i] = special[i] != 0 || spans[i] == null;
            if (!isSpecial[i]) {
                starts[i] = spans[i].getStart();
                ends[i] = spans[i].getEnd();
            }
        }
        // The tokenizer counts Unicode code points; Java strings count UTF-16 units. They differ only after a
        // character outside the BMP (an emoji), so the conversion runs only for such texts.
        if (text.codePointCount(0, text.length()) != text.length()) {
            int points = text.codePointCount(0, text.length());
            for (int i = 0; i < ids.length; i++) {
                if (isSpecial[i]) continue;
                starts[i] = text.offsetByCodePoints(0, Math.min(starts[i], points));
                ends[i] = text.offsetByCodePoints(0, Math.min(ends[i], points));
            }
        }
        return new Tokens(ids, starts, ends, isSpecial);
    }

    /**
     * One text's word pieces.
     *
     * @param ids     token ids, special tokens included, truncated
     * @param starts  character offset in the text where each token starts (0 for special tokens)
     * @param ends    character offset just past each token's end (0 for special tokens)
     * @param special whether each token is [CLS], [SEP] or another special token
     */
    public record Tokens(long[] ids, int[] starts, int[] ends, boolean[] special) {}

    /** A padded batch of already tokenized rows (see {@link #tokens}). */
    public static Batch batch(long[][] rows, NDManager manager) {
        int t = 1;
        for (long[] r : rows) t = Math.max(t, r.length);
        long[] ids = new long[rows.length * t];
        float[] mask = new float[rows.length * t];
        long tokens = 0;
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, ids, i * t, rows[i].length);
            for (int j = 0; j < rows[i].length; j++) mask[i * t + j] = 1f;
            tokens += rows[i].length;
        }
        return new Batch(Torch.longs(manager, ids, rows.length, t), Torch.floats(manager, mask, rows.length, t), tokens);
    }

    /**
     * A padded batch of {@code texts}.
     *
     * @param manager receives the arrays (a per-step sub-manager)
     */
    public Batch batch(List<String> texts, NDManager manager) {
        long[][] rows = new long[texts.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = ids(texts.get(i));
        return batch(rows, manager);
    }

    /**
     * A padded batch.
     *
     * @param ids    (B, T) int64
     * @param mask   (B, T) f32, 1 for real tokens
     * @param tokens real tokens in the batch
     */
    public record Batch(NDArray ids, NDArray mask, long tokens) {}

    @Override
    public void close() {
        tokenizer.close();
    }
}
