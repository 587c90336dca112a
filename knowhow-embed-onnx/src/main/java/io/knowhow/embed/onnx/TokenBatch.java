package io.knowhow.embed.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Token ids of texts embedded in one ONNX Runtime run, and where each vector goes in the caller's
 * result.
 *
 * @param ids       one array per text, special tokens included, already truncated
 * @param positions {@code positions[i]} is the result index of {@code ids.get(i)}
 */
record TokenBatch(List<long[]> ids, int[] positions) {
    TokenBatch {
        ids = List.copyOf(ids);
        if (ids.isEmpty() || ids.size() != positions.length) {
            throw new IllegalArgumentException("a batch needs one position per text, got " + ids.size()
                    + " texts and " + positions.length + " positions");
        }
    }

    /**
     * Cuts {@code ids} into batches of at most {@code batchSize} texts after sorting them by length,
     * so texts of similar length share a batch and little is padded. Text {@code i} goes to result
     * position {@code offset + i}.
     */
    static List<TokenBatch> lengthSorted(List<long[]> ids, int offset, int batchSize) {
        Integer[] order = new Integer[ids.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        List<TokenBatch> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            int[] positions = new int[end - start];
            List<long[]> batchIds = new ArrayList<>(positions.length);
            for (int k = start; k < end; k++) {
                positions[k - start] = offset + order[k];
                batchIds.add(ids.get(order[k]));
            }
            batches.add(new TokenBatch(batchIds, positions));
        }
        return batches;
    }

    /** Texts in the batch. */
    int size() {
        return ids.size();
    }

    /** The longest text's token count: every row is padded to it. */
    int length() {
        int length = 0;
        for (long[] row : ids) {
            length = Math.max(length, row.length);
        }
        return length;
    }

    /** Real (unpadded) tokens of text {@code b}. */
    int tokens(int b) {
        return ids.get(b).length;
    }

    /** (batch, length) ids padded with 0; the attention mask hides the padding. */
    long[] paddedIds(int length) {
        long[] padded = new long[size() * length];
        for (int b = 0; b < size(); b++) {
            long[] row = ids.get(b);
            System.arraycopy(row, 0, padded, b * length, row.length);
        }
        return padded;
    }

    /** (batch, length) mask: 1 for real tokens, 0 for padding. */
    long[] attentionMask(int length) {
        long[] mask = new long[size() * length];
        for (int b = 0; b < size(); b++) {
            Arrays.fill(mask, b * length, b * length + ids.get(b).length, 1L);
        }
        return mask;
    }
}
