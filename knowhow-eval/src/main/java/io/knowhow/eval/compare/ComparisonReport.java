package io.knowhow.eval.compare;

import java.util.List;
import java.util.Optional;

/**
 * The result of {@code eval compare}: one report per strategy (unavailable ones included, with their reason),
 * retrieval quality, and the update experiment.
 *
 * @param questions  questions in the QA set
 * @param strategies per strategy, in the order asked
 * @param retrieval  retrieval quality over the questions with sources; null when no strategy retrieves
 * @param update     what the update experiment did; null without --update
 * @param tunedRun   the tuned model's run log, when there is one
 */
public record ComparisonReport(int questions, List<StrategyReport> strategies, Retrieval retrieval, String update, TunedRun tunedRun) {
    public ComparisonReport {
        strategies = List.copyOf(strategies);
    }

    public Optional<StrategyReport> strategy(String label) {
        return strategies.stream().filter(s -> s.strategy().equals(label)).findFirst();
    }
}
