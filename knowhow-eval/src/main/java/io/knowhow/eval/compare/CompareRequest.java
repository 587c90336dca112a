package io.knowhow.eval.compare;

import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.qa.QaCase;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code eval compare} runs.
 *
 * @param cases      the QA set
 * @param strategies the strategies to compare; empty for every strategy
 * @param repeat     runs per strategy, at least 1 (more for a non-deterministic generator)
 * @param update     documents that change facts, ingested into a copy of the knowledge base; empty for none
 * @param updateQa   the questions whose answers the update changes (required with {@code update})
 */
public record CompareRequest(List<QaCase> cases, List<Strategy> strategies, int repeat, Optional<Path> update, List<QaCase> updateQa) {
    public CompareRequest {
        cases = List.copyOf(Objects.requireNonNull(cases, "cases"));
        strategies = List.copyOf(strategies == null ? List.of() : strategies);
        update = update == null ? Optional.empty() : update;
        updateQa = List.copyOf(updateQa == null ? List.of() : updateQa);
        if (repeat < 1 || repeat > 100) throw new IllegalArgumentException("--repeat must be between 1 and 100, got " + repeat);
        if (update.isPresent() != !updateQa.isEmpty())
            throw new IllegalArgumentException("--update DIR and --update-qa FILE go together: the documents that change facts and the questions whose answers change");
    }

    public static CompareRequest of(List<QaCase> cases) {
        return new CompareRequest(cases, List.of(), 1, Optional.empty(), List.of());
    }

    /** The strategies in the order of the enum (every one when none was named). */
    public List<Strategy> selected() {
        return strategies.isEmpty() ? List.of(Strategy.values()) : strategies;
    }
}
