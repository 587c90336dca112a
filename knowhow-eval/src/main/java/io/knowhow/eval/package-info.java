/**
 * Decide with evidence: {@link io.knowhow.eval.Evaluation} runs a QA set against every strategy of a knowledge base
 * ({@code knowhow eval compare}) and walks the reference's five-step decision framework with measured answers and a
 * cost model ({@code knowhow advise}). Subpackages follow the data's way: {@code qa} (the file format) →
 * {@code metrics} (scoring one answer) → {@code compare} (running strategies, aggregating) → {@code advise}
 * (framework and costs) → {@code report} (JSON, Markdown, HTML).
 */
package io.knowhow.eval;
