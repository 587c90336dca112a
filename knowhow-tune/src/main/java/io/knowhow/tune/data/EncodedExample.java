package io.knowhow.tune.data;

/**
 * An example as token ids with its loss mask.
 *
 * @param tokens    token ids of the laid-out conversation
 * @param targets   {@code targets[i]} is true when token i is one the model learns to produce
 * @param line      JSONL line of the source example
 * @param truncated whether the conversation was cut to the maximum sequence length
 */
public record EncodedExample(int[] tokens, boolean[] targets, int line, boolean truncated) {
    /** Tokens the loss is computed on. */
    public int targetCount() {
        int n = 0;
        for (int i = 1; i < targets.length; i++) if (targets[i]) n++;
        return n;
    }
}
