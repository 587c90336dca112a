package io.knowhow.tune.model;

/**
 * Token sequences to compute a loss on, with the positions that count.
 *
 * @param tokens  one token sequence per row (lengths may differ; shorter rows are padded on the right)
 * @param targets {@code targets[b][i]} is true when token {@code i} of row {@code b} is to be predicted
 *                (an assistant token); {@code targets[b][0]} is ignored, nothing predicts the first token
 */
public record TrainingBatch(int[][] tokens, boolean[][] targets) {
    public TrainingBatch {
        if (tokens.length == 0) throw new IllegalArgumentException("a batch needs at least one sequence");
        if (tokens.length != targets.length) throw new IllegalArgumentException("tokens and targets differ in rows");
        for (int b = 0; b < tokens.length; b++)
            if (tokens[b].length != targets[b].length)
                throw new IllegalArgumentException("row " + b + ": " + tokens[b].length + " tokens, " + targets[b].length + " target flags");
    }

    public int size() {
        return tokens.length;
    }

    /** Length of the longest row. */
    public int maxLength() {
        int m = 0;
        for (int[] t : tokens) m = Math.max(m, t.length);
        return m;
    }

    /** Tokens in all rows, padding excluded. */
    public int tokenCount() {
        int n = 0;
        for (int[] t : tokens) n += t.length;
        return n;
    }

    /** Positions whose next token is predicted and scored. */
    public int targetCount() {
        int n = 0;
        for (boolean[] row : targets)
            for (int i = 1; i < row.length; i++) if (row[i]) n++;
        return n;
    }
}
