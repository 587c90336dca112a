package io.knowhow.eval.compare;

/**
 * How a strategy copes with changed facts: the questions whose answers an update changes, asked straight before
 * and straight after the update was ingested (into a copy of the knowledge base).
 *
 * @param questions       changed-fact questions asked
 * @param accuracyBefore  their accuracy before the update (the new answers are not there yet: low is expected)
 * @param accuracyAfter   their accuracy straight after it
 * @param visibleSeconds  seconds from the start of the update's ingest until the first answer after it returned
 *                        (null for strategies that do not read the knowledge base: the update never shows)
 * @param retrainSeconds  for tuned strategies, the training time of the model's last run (from its run log): what
 *                        it would take to bake the change into the weights; null when unknown or not applicable
 * @param note            how to read the row
 */
public record Freshness(int questions, Double accuracyBefore, Double accuracyAfter, Double visibleSeconds, Double retrainSeconds,
                        String note) {}
