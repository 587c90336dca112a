package io.knowhow.store.lucene;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

import java.util.Collection;

import static io.knowhow.store.lucene.IndexLayout.ACCESS_GROUPS;
import static io.knowhow.store.lucene.IndexLayout.KIND;
import static io.knowhow.store.lucene.IndexLayout.PUBLIC;
import static io.knowhow.store.lucene.IndexLayout.PUBLIC_VALUE;
import static io.knowhow.store.lucene.IndexLayout.SOURCE;
import static io.knowhow.store.lucene.IndexLayout.TAGS;
import static io.knowhow.store.lucene.IndexLayout.sourceTerm;

/**
 * A {@link Filter} as Lucene query clauses, so that it applies inside the search (the top-k is taken among
 * matching chunks only) and a restricted chunk never leaves the index for the wrong reader.
 */
final class FilterQueries {
    private FilterQueries() {}

    /** The filter as a query matching the chunks that pass it; null when it lets everything pass. */
    static Query of(Filter filter) {
        if (filter.isEmpty()) return null;
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        if (!filter.sources().isEmpty()) all.add(anyOf(SOURCE, filter.sources()), Occur.FILTER);
        if (!filter.tags().isEmpty()) all.add(anyOf(TAGS, filter.tags()), Occur.FILTER);
        Query readable = readableBy(filter.reader());
        if (readable != null) all.add(readable, Occur.FILTER);
        return all.build();
    }

    /** The chunks {@code reader} may read; null when it may read all of them. */
    static Query readableBy(Reader reader) {
        if (reader.seesAll()) return null;
        Query isPublic = new TermQuery(new Term(PUBLIC, PUBLIC_VALUE));
        if (reader.groups().isEmpty()) return isPublic;
        return new BooleanQuery.Builder()
                .add(isPublic, Occur.SHOULD)
                .add(anyOf(ACCESS_GROUPS, reader.groups()), Occur.SHOULD)
                .build();
    }

    /** {@code query} restricted to the documents matching {@code filter} (null: unrestricted). */
    static Query filtered(Query query, Query filter) {
        if (filter == null) return query;
        return new BooleanQuery.Builder().add(query, Occur.MUST).add(filter, Occur.FILTER).build();
    }

    /** The documents of one kind belonging to one source. */
    static Query ofKind(String kind, String source) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, kind)), Occur.FILTER)
                .add(new TermQuery(sourceTerm(source)), Occur.FILTER)
                .build();
    }

    private static Query anyOf(String field, Collection<String> values) {
        return new TermInSetQuery(field, values.stream().map(BytesRef::new).toList());
    }
}
