package io.knowhow.eval.compare;

import java.util.List;

/**
 * One strategy's results. An unavailable strategy has its reason and nothing else: it is never faked.
 *
 * @param strategy   the label (rag, full-context, prompt-only, tuned, tuned-rag)
 * @param available  whether it could run here
 * @param reason     why not, when unavailable
 * @param generator  the generator that answered ("extractive", "openai:...", ...)
 * @param metrics    deterministic scores (the first run's under --repeat; the spread is in {@code repeats})
 * @param latency    wall-clock latency (not deterministic)
 * @param repeats    spread over --repeat N runs; null for a single run
 * @param freshness  the update experiment; null without --update
 * @param forgetting for tuned strategies: what the run log says about forgetting; null otherwise
 * @param cases      every scored or unscored case, in run and question order
 */
public record StrategyReport(String strategy, boolean available, String reason, String generator, Metrics metrics, Latency latency,
                             Repeats repeats, Freshness freshness, Forgetting forgetting, List<CaseResult> cases) {
    public StrategyReport {
        cases = List.copyOf(cases == null ? List.of() : cases);
    }

    public static StrategyReport unavailable(String strategy, String reason) {
        return new StrategyReport(strategy, false, reason, null, null, null, null, null, null, List.of());
    }

    /** Same report with the freshness experiment's row. */
    public StrategyReport withFreshness(Freshness f) {
        return new StrategyReport(strategy, available, reason, generator, metrics, latency, repeats, f, forgetting, cases);
    }
}
