package io.knowhow.tuneencoder.extract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores extracted values against gold values by exact span match, per slot: a predicted value that equals
 * the gold surface string is a true positive; a predicted value that differs from it, or where there is no
 * gold value, a false positive; a gold value not predicted exactly, a false negative (so a wrong value
 * counts both ways, as in span-level F1 of Coope et al. 2020).
 */
public final class SlotScores {
    private final Map<String, int[]> counts = new LinkedHashMap<>(); // slot → {tp, fp, fn}

    /** A scorer that reports {@code slots} in this order. */
    public SlotScores(List<String> slots) {
        for (String s : slots) counts.put(s, new int[3]);
    }

    /** The gold values of {@code example}: slot → surface string, the first span of each slot (as {@link BioTags#decode} keeps). */
    public static Map<String, String> gold(SlotExample example) {
        Map<String, String> out = new LinkedHashMap<>();
        for (SlotExample.Span s : example.spans()) out.putIfAbsent(s.slot(), example.surface(s));
        return out;
    }

    /** Adds one text's prediction and gold values. */
    public void add(Map<String, String> predicted, Map<String, String> gold) {
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            String p = predicted.get(e.getKey()), g = gold.get(e.getKey());
            // Whitespace at the edges of a dataset span is not a different value.
            if (p != null) p = p.strip();
            if (g != null) g = g.strip();
            if (p != null && p.equals(g)) e.getValue()[0]++;
            else {
                if (p != null) e.getValue()[1]++;
                if (g != null) e.getValue()[2]++;
            }
        }
    }

    /** Span F1 of {@code slot}: 2·tp / (2·tp + fp + fn); 0 when there is nothing to score. */
    public double f1(String slot) {
        int[] c = counts.get(slot);
        return f1(c[0], c[1], c[2]);
    }

    /** Micro-averaged span F1 over all slots. */
    public double microF1() {
        int tp = 0, fp = 0, fn = 0;
        for (int[] c : counts.values()) {
            tp += c[0];
            fp += c[1];
            fn += c[2];
        }
        return f1(tp, fp, fn);
    }

    /** {tp, fp, fn} of {@code slot}. */
    public int[] counts(String slot) {
        return counts.get(slot).clone();
    }

    private static double f1(int tp, int fp, int fn) {
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
