package io.knowhow.eval.advise;

/**
 * One step of the framework as walked for this knowledge base.
 *
 * @param step     1 to 5, in the reference's order
 * @param question the reference's question
 * @param answer   yes, no or unknown
 * @param measured whether the answer was measured (not given by a flag, not unknown)
 * @param reason   why: the evidence, and what the answer implies
 */
public record Step(int step, String question, String answer, boolean measured, String reason) {}
