/**
 * Runs a QA set against strategies of a knowledge base and aggregates per-strategy metrics
 * ({@link io.knowhow.eval.compare.Comparison}); {@link io.knowhow.eval.compare.EvalTarget} is the port it asks
 * through, implemented over {@code Knowhow} by {@link io.knowhow.eval.compare.KnowhowTarget}.
 */
package io.knowhow.eval.compare;
