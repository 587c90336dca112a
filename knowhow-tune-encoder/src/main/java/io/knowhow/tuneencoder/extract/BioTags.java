package io.knowhow.tuneencoder.extract;

import io.knowhow.tuneencoder.model.EncoderTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between character spans and per-word-piece BIO tags for a fixed list of slots. Tag 0 is
 * {@code O}; slot {@code s} (0-based, in schema order) has {@code B} = 1 + 2s and {@code I} = 2 + 2s.
 */
public final class BioTags {
    /** Target of tokens that take no part in the loss: [CLS], [SEP] and padding. */
    public static final int IGNORE = -1;

    private final List<String> slots;

    /** Tags for {@code slots}, in this order (which is also the order of {@link #decode}'s keys). */
    public BioTags(List<String> slots) {
        if (slots.isEmpty()) throw new IllegalArgumentException("the schema needs at least one slot");
        if (slots.stream().distinct().count() != slots.size()) throw new IllegalArgumentException("slot names repeat: " + slots);
        this.slots = List.copyOf(slots);
    }

    public List<String> slots() {
        return slots;
    }

    /** Number of tags, {@code 1 + 2 × slots}. */
    public int size() {
        return 1 + 2 * slots.size();
    }

    /** Tag names in index order: {@code O, B-people, I-people, …}. */
    public List<String> names() {
        List<String> out = new ArrayList<>(List.of("O"));
        for (String s : slots) {
            out.add("B-" + s);
            out.add("I-" + s);
        }
        return out;
    }

    /**
     * The tag of every token of {@code tokens}: a token that overlaps a span is B when it is the span's
     * first such token and I after; others O; special tokens {@link #IGNORE}. Where spans overlap (a
     * hundred or so Restaurant-8k entries do) the earlier-listed span keeps the tokens it already has.
     *
     * @throws IllegalArgumentException when a span names a slot outside the schema
     */
    public int[] encode(SlotExample example, EncoderTokenizer.Tokens tokens) {
        int n = tokens.ids().length;
        int[] tags = new int[n];
        for (int i = 0; i < n; i++) tags[i] = tokens.special()[i] ? IGNORE : 0;
        for (SlotExample.Span span : example.spans()) {
            int slot = slots.indexOf(span.slot());
            if (slot < 0) throw new IllegalArgumentException((example.entry() > 0 ? "entry " + example.entry() + ": " : "") + "slot '"
                    + span.slot() + "' is not in the schema " + slots);
            boolean first = true;
            for (int i = 0; i < n; i++) {
                if (tokens.special()[i] || tags[i] != 0) continue;
                // Overlap, not containment: a dataset span may cut a word piece ("7pm" labelled "7").
                if (tokens.starts()[i] < span.end() && tokens.ends()[i] > span.start()) {
                    tags[i] = first ? 1 + 2 * slot : 2 + 2 * slot;
                    first = false;
                }
            }
        }
        return tags;
    }

    /**
     * The most likely tag sequence in which every I-slot follows a B or I of the same slot (Viterbi over
     * per-token log-probabilities). Arg-max per token can emit an I with no span to continue, or switch slot
     * inside a span; such sequences are not valid BIO and split or shorten values. Special tokens are O.
     *
     * @param logProbs (positions, tags) row-major, positions as in {@code tokens}
     */
    public int[] bestValidSequence(float[] logProbs, EncoderTokenizer.Tokens tokens) {
        int n = tokens.ids().length, k = size();
        double[] score = new double[k], next = new double[k];
        int[][] from = new int[n][k];
        java.util.Arrays.fill(score, Double.NEGATIVE_INFINITY);
        score[0] = 0; // before the first position: outside any span
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(next, Double.NEGATIVE_INFINITY);
            for (int cur = 0; cur < k; cur++) {
                if (tokens.special()[i] && cur != 0) continue;
                double emit = tokens.special()[i] ? 0 : logProbs[i * k + cur];
                for (int prev = 0; prev < k; prev++) {
                    if (score[prev] == Double.NEGATIVE_INFINITY || !allowed(prev, cur)) continue;
                    double v = score[prev] + emit;
                    if (v > next[cur]) {
                        next[cur] = v;
                        from[i][cur] = prev;
                    }
                }
            }
            double[] t = score;
            score = next;
            next = t;
        }
        int best = 0;
        for (int cur = 1; cur < k; cur++) if (score[cur] > score[best]) best = cur;
        int[] tags = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            tags[i] = best;
            best = from[i][best];
        }
        return tags;
    }

    /** An I-slot may only continue a B or I of its slot; everything else may follow anything. */
    private static boolean allowed(int prev, int cur) {
        boolean inside = cur != 0 && (cur - 1) % 2 == 1;
        if (!inside) return true;
        int slot = (cur - 1) / 2;
        return prev != 0 && (prev - 1) / 2 == slot;
    }

    /**
     * Slot values from per-token tags: a B (or an I that does not continue a span of its slot) opens a span,
     * an I of the same slot extends it, anything else closes it; the value is the text from the first
     * token's start to the last token's end. When a slot has several spans, the first is kept. Keys follow
     * the schema order; absent slots are omitted.
     */
    public Map<String, String> decode(String text, EncoderTokenizer.Tokens tokens, int[] tags) {
        String[] values = new String[slots.size()];
        int open = -1, start = 0, end = 0;
        for (int i = 0; i <= tags.length; i++) {
            int tag = i < tags.length && !tokens.special()[i] ? tags[i] : 0;
            int slot = tag == 0 ? -1 : (tag - 1) / 2;
            boolean inside = tag != 0 && (tag - 1) % 2 == 1;
            if (open >= 0 && inside && slot == open) {
                end = tokens.ends()[i];
                continue;
            }
            if (open >= 0 && values[open] == null) values[open] = text.substring(start, end);
            open = -1;
            if (slot >= 0) {
                open = slot;
                start = tokens.starts()[i];
                end = tokens.ends()[i];
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int s = 0; s < values.length; s++) if (values[s] != null) out.put(slots.get(s), values[s]);
        return out;
    }
}
