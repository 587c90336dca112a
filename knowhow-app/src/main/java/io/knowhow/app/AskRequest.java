package io.knowhow.app;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.rag.Strategy;

/**
 * One question's options; a null field takes the knowledge base's configured default ({@code ask.k},
 * {@code ask.mode}, {@code ask.strategy}).
 *
 * @param k        evidence chunks to retrieve, 1 to 1000; null for the default
 * @param mode     how to retrieve them; null for the default
 * @param strategy where the context comes from; null for the default
 * @param filter   sources, tags and the reader; never null (a reader must always be named)
 */
public record AskRequest(Integer k, SearchMode mode, Strategy strategy, Filter filter) {
    public AskRequest {
        if (k != null && (k < 1 || k > 1000)) throw new IllegalArgumentException("k must be between 1 and 1000, got " + k);
        if (filter == null) throw new IllegalArgumentException("an ask request must say who reads (a filter with a Reader)");
    }

    /** The defaults, read by {@code reader}. */
    public static AskRequest by(Reader reader) {
        return new AskRequest(null, null, null, Filter.readableBy(reader));
    }

    public AskRequest withK(Integer newK) {
        return new AskRequest(newK, mode, strategy, filter);
    }

    public AskRequest withMode(SearchMode newMode) {
        return new AskRequest(k, newMode, strategy, filter);
    }

    public AskRequest withStrategy(Strategy newStrategy) {
        return new AskRequest(k, mode, newStrategy, filter);
    }
}
