package io.knowhow.eval.compare;

/**
 * Forgetting of a fine-tuned model: a score on a held-out general set before and after tuning.
 *
 * @param measured whether numbers are known
 * @param before   score before tuning; null when not measured
 * @param after    score after tuning; null when not measured
 * @param source   where the numbers (or the lack of them) come from
 */
public record Forgetting(boolean measured, Double before, Double after, String source) {}
