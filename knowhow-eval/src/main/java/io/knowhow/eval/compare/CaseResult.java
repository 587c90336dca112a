package io.knowhow.eval.compare;

import java.util.List;

/**
 * One question answered by one strategy, scored. Boxed numbers are null where the metric does not apply
 * (e.g. exact match for a question that expects an abstention); an unscored case has only its reason.
 *
 * @param caseId              the question's id
 * @param strategy            the strategy's label
 * @param run                 the repetition (0-based) under {@code --repeat}
 * @param unscoredReason      why the case could not be scored (the ask failed, the schema is broken); null when scored
 * @param answer              the answer text as returned
 * @param abstained           the strategy abstained
 * @param correct             accepted answer contained, or correctly abstained, or (schema-only) schema-valid
 * @param exactMatch          1/0 against the accepted answers; null without answers or when abstention was expected
 * @param f1                  token F1 against the accepted answers; null likewise
 * @param hallucinated        an answer where an abstention was expected, or an answer with a sentence no evidence supports
 * @param unsupportedSentences the sentences the grounding check found unsupported
 * @param groundingBasis      what the answer was checked against: "evidence" (the strategy's own), "sources" (the
 *                            QA's sources, for strategies without evidence), "retrieved" (the top chunks), "none"
 * @param citedSources        distinct sources the answer cites
 * @param citationPrecision   share of cited sources among the expected ones; null when nothing was cited or no sources are given
 * @param citationRecall      share of expected sources cited; null when no sources are given
 * @param schemaValid         the answer satisfies the case's schema; null without a schema
 * @param schemaProblems      what the schema check found
 * @param latencyMs           wall time of the ask, in milliseconds (not deterministic)
 * @param retrievalMs         embed + retrieve time inside the ask (not deterministic); 0 when nothing was retrieved
 * @param promptTokens        tokens of the prompt the model read
 * @param completionTokens    tokens generated
 * @param cost                the answer's cost at the configured prices
 */
public record CaseResult(String caseId, String strategy, int run, String unscoredReason, String answer, boolean abstained,
                         boolean correct, Double exactMatch, Double f1, boolean hallucinated, List<String> unsupportedSentences,
                         String groundingBasis, List<String> citedSources, Double citationPrecision, Double citationRecall,
                         Boolean schemaValid, List<String> schemaProblems, double latencyMs, double retrievalMs,
                         int promptTokens, int completionTokens, double cost) {
    public CaseResult {
        unsupportedSentences = List.copyOf(unsupportedSentences == null ? List.of() : unsupportedSentences);
        citedSources = List.copyOf(citedSources == null ? List.of() : citedSources);
        schemaProblems = List.copyOf(schemaProblems == null ? List.of() : schemaProblems);
    }

    public static CaseResult unscored(String caseId, String strategy, int run, String reason, double latencyMs) {
        return new CaseResult(caseId, strategy, run, reason, null, false, false, null, null, false, List.of(), "none",
                List.of(), null, null, null, List.of(), latencyMs, 0, 0, 0, 0);
    }

    public boolean scored() {
        return unscoredReason == null;
    }
}
