package io.knowhow.eval.advise;

/**
 * The workload the cost model prices.
 *
 * @param corpusTokens          tokens in the knowledge base (overlap between chunks removed)
 * @param changesPerMonth       knowledge changes a month
 * @param queriesPerMonth       questions a month
 * @param horizonMonths         months to add up
 * @param evidenceTokensPerQuery prompt tokens RAG adds per question (k chunks of evidence)
 * @param questionTokens        prompt tokens of a question and its instructions, common to every strategy
 * @param changesBasis          where the change rate comes from ("measured", "--changes weekly", "unknown: monthly assumed")
 */
public record CostInputs(double corpusTokens, double changesPerMonth, double queriesPerMonth, int horizonMonths,
                         double evidenceTokensPerQuery, double questionTokens, String changesBasis) {
    public CostInputs {
        if (corpusTokens < 0 || changesPerMonth < 0 || queriesPerMonth < 0 || evidenceTokensPerQuery < 0 || questionTokens < 0)
            throw new IllegalArgumentException("cost inputs cannot be negative");
        changesBasis = changesBasis == null ? "given" : changesBasis;
        if (horizonMonths < 1) throw new IllegalArgumentException("the horizon must be at least one month, got " + horizonMonths);
    }

    public CostInputs withChangesPerMonth(double c) {
        return new CostInputs(corpusTokens, c, queriesPerMonth, horizonMonths, evidenceTokensPerQuery, questionTokens, changesBasis);
    }
}
