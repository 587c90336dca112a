package io.knowhow.core.rag;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.SearchMode;

/**
 * Options of one question.
 *
 * @param k        evidence chunks to retrieve
 * @param mode     how to retrieve them
 * @param filter   restrictions (sources, tags, reader groups)
 * @param strategy where the context comes from
 */
public record AskOptions(int k, SearchMode mode, Filter filter, Strategy strategy) {
    public static final AskOptions DEFAULT = new AskOptions(5, SearchMode.HYBRID, Filter.NONE, Strategy.RAG);

    public AskOptions {
        if (k < 1 || k > 1000) throw new IllegalArgumentException("k must be between 1 and 1000, got " + k);
        mode = mode == null ? SearchMode.HYBRID : mode;
        filter = filter == null ? Filter.NONE : filter;
        strategy = strategy == null ? Strategy.RAG : strategy;
    }

    public AskOptions withK(int newK) {
        return new AskOptions(newK, mode, filter, strategy);
    }

    public AskOptions withStrategy(Strategy s) {
        return new AskOptions(k, mode, filter, s);
    }
}
