/**
 * Scoring one answer or one ranking, as the SQuAD and BEIR evaluation scripts define it, and summarising a sample.
 * Pure functions on plain values: every metric here is unit-tested on hand-computed cases.
 */
package io.knowhow.eval.metrics;
