package io.knowhow.eval.compare;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.metrics.AnswerScoring;
import io.knowhow.eval.metrics.CitationScoring;
import io.knowhow.eval.metrics.SchemaCheck;
import io.knowhow.eval.metrics.SourceMatch;
import io.knowhow.eval.qa.QaCase;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Scores one answer to one question: correctness, exact match and F1, hallucination (the answer's grounding, or
 * for a strategy without evidence a grounding against the question's sources), citations and format.
 */
public final class CaseScorer {
    private final EvalTarget target;

    public CaseScorer(EvalTarget target) {
        this.target = target;
    }

    public CaseResult score(QaCase c, Strategy strategy, int run, Answer a, double latencyMs) {
        String label = strategy.label();
        Set<String> relevant = c.sources().isEmpty() ? Set.of() : SourceMatch.resolve(target.storedSources(), c.sources());
        Boolean schemaValid = null;
        List<String> schemaProblems = List.of();
        if (c.schema() != null) {
            if (a.abstained()) {
                schemaValid = false;
                schemaProblems = List.of("abstained");
            } else {
                try {
                    SchemaCheck.Result r = SchemaCheck.check(c.schema(), a.text());
                    schemaValid = r.valid();
                    schemaProblems = r.problems();
                } catch (IllegalArgumentException broken) {
                    return CaseResult.unscored(c.id(), label, run, "schema: " + broken.getMessage(), latencyMs);
                }
            }
        }
        boolean hasAnswers = !c.answers().isEmpty();
        boolean correct;
        if (c.abstain()) correct = a.abstained();
        else if (hasAnswers) correct = !a.abstained() && AnswerScoring.containsAccepted(a.text(), c.answers());
        else correct = Boolean.TRUE.equals(schemaValid);
        Double em = null, f1 = null;
        if (hasAnswers) {
            em = a.abstained() ? 0.0 : AnswerScoring.exactMatch(a.text(), c.answers());
            f1 = a.abstained() ? 0.0 : AnswerScoring.tokenF1(a.text(), c.answers());
        }

        List<String> unsupported = List.of();
        String basis = "none";
        if (!a.abstained()) {
            boolean hadEvidence = strategy.retrieves() || strategy == Strategy.FULL_CONTEXT;
            Grounding g = a.grounding();
            if (hadEvidence && g != null) {
                basis = "evidence";
            } else {
                g = target.groundWithoutEvidence(a.text(), c.question(), relevant);
                basis = relevant.isEmpty() ? "retrieved" : "sources";
            }
            if (g != null) unsupported = g.unsupportedSentences();
        }
        boolean hallucinated = !a.abstained() && (c.abstain() || !unsupported.isEmpty());

        Set<String> cited = new LinkedHashSet<>();
        if (!a.abstained()) for (Citation ct : a.citations()) cited.add(ct.source());
        Double precision = null, recall = null;
        if (!relevant.isEmpty() && !c.abstain()) {
            var p = CitationScoring.precision(cited, relevant);
            precision = p.isPresent() ? Metrics.round(p.getAsDouble()) : null;
            recall = Metrics.round(CitationScoring.recall(cited, relevant).orElse(0));
        }
        double retrievalMs = a.timingsMs().getOrDefault("embed", 0.0) + a.timingsMs().getOrDefault("retrieve", 0.0);
        return new CaseResult(c.id(), label, run, null, a.text(), a.abstained(), correct, em, f1 == null ? null : Metrics.round(f1),
                hallucinated, unsupported, basis, List.copyOf(cited), precision, recall, schemaValid, schemaProblems, latencyMs,
                retrievalMs, a.usage().promptTokens(), a.usage().completionTokens(), a.cost());
    }
}
