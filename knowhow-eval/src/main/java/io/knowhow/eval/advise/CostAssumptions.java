package io.knowhow.eval.advise;

/**
 * Every price and volume the cost model uses, each with its basis. Built from configuration
 * ({@code cost.*} keys, defaults from the reference's 2026 estimates) by the caller, with measured values
 * swapped in where knowhow has them.
 *
 * @param fineTuneRun        training compute of one fine-tuning run, USD
 * @param labelledPairs      labelled pairs a fine-tune needs (count)
 * @param labelledPairPrice  USD to produce one labelled pair
 * @param embeddingPerMillion USD to embed a million tokens
 * @param vectorDbPerMonth   USD a month for the vector store
 * @param retrievalMs        retrieval overhead per query, milliseconds
 * @param promptPerMillion   USD per million prompt tokens of the answering LLM
 * @param cpuHour            USD per CPU core-hour (turns measured times into money)
 */
public record CostAssumptions(Price fineTuneRun, Price labelledPairs, Price labelledPairPrice, Price embeddingPerMillion,
                              Price vectorDbPerMonth, Price retrievalMs, Price promptPerMillion, Price cpuHour) {
    /** The reference's figures and knowhow's assumptions, as the configuration defaults hold them. */
    public static CostAssumptions defaults() {
        return new CostAssumptions(
                Price.of(10, 100, "reference", "fine-tuning a 7B model: $10–100 training compute on cloud GPUs"),
                Price.of(1_000, 10_000, "reference", "typically 1,000–10,000 input-output pairs"),
                Price.of(0.10, 1.00, "assumption", "the reference prices no labelling; set cost.labelled-pair-price.*"),
                Price.of(0.01, 0.10, "reference", "~$0.01–0.10 per million tokens"),
                Price.of(50, 300, "reference", "$50–300/month managed at moderate scale"),
                Price.of(50, 200, "reference", "50–200 ms overhead per query"),
                Price.of(0.15, 3.00, "assumption", "LLM prompt price; set llm.price.prompt-per-1k or cost.prompt-per-million.*"),
                Price.of(0.05, 0.05, "assumption", "one CPU core-hour; set cost.cpu-hour"));
    }

    public CostAssumptions withEmbeddingPerMillion(Price p) {
        return new CostAssumptions(fineTuneRun, labelledPairs, labelledPairPrice, p, vectorDbPerMonth, retrievalMs, promptPerMillion, cpuHour);
    }

    public CostAssumptions withRetrievalMs(Price p) {
        return new CostAssumptions(fineTuneRun, labelledPairs, labelledPairPrice, embeddingPerMillion, vectorDbPerMonth, p, promptPerMillion, cpuHour);
    }

    public CostAssumptions withLabelledPairs(Price p) {
        return new CostAssumptions(fineTuneRun, p, labelledPairPrice, embeddingPerMillion, vectorDbPerMonth, retrievalMs, promptPerMillion, cpuHour);
    }

    public CostAssumptions withPromptPerMillion(Price p) {
        return new CostAssumptions(fineTuneRun, labelledPairs, labelledPairPrice, embeddingPerMillion, vectorDbPerMonth, retrievalMs, p, cpuHour);
    }
}
