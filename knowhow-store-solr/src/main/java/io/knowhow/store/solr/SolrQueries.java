package io.knowhow.store.solr;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import static io.knowhow.store.solr.SolrLayout.ACCESS_GROUPS;
import static io.knowhow.store.solr.SolrLayout.KIND;
import static io.knowhow.store.solr.SolrLayout.KIND_SOURCE;
import static io.knowhow.store.solr.SolrLayout.PUBLIC;
import static io.knowhow.store.solr.SolrLayout.PUBLIC_VALUE;
import static io.knowhow.store.solr.SolrLayout.SOURCE;
import static io.knowhow.store.solr.SolrLayout.TAGS;
import static io.knowhow.store.solr.SolrLayout.VERSION;

/** The query strings of a {@link SolrKnowledgeStore}: user text made inert, filters, and the visibility join. */
final class SolrQueries {
    /**
     * Chunks of each source's current version: the versions named by manifest entries, joined onto chunks. One
     * string for every search, so Solr caches it as one filter per searcher (rebuilt, and warmed, at each commit).
     */
    static final String CURRENT_CHUNKS = "{!join from=" + VERSION + " to=" + VERSION + "}" + KIND + ":" + KIND_SOURCE;

    private static final Set<String> OPERATORS = Set.of("AND", "OR", "NOT", "TO");

    private SolrQueries() {}

    /**
     * User text for Solr's standard query parser that it reads as words only, never as syntax: every character
     * that is neither a letter, a digit nor the parser's whitespace is backslash-escaped, and so is the first
     * letter of an operator word. With {@code sow=false} the parser then hands the whole text to the field's
     * analyzer and ORs the terms, as the embedded store's {@code QueryBuilder} does.
     */
    static String words(String text) {
        StringBuilder sb = new StringBuilder(text.length() * 2);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (isParserWhitespace(c)) {
                sb.append(c);
                i++;
                continue;
            }
            int end = i;
            while (end < text.length() && !isParserWhitespace(text.charAt(end))) end++;
            String word = text.substring(i, end);
            boolean operator = OPERATORS.contains(word);
            for (int j = 0; j < word.length(); j++) {
                char w = word.charAt(j);
                if (!Character.isLetterOrDigit(w) || operator && j == 0) sb.append('\\');
                sb.append(w);
            }
            i = end;
        }
        return sb.toString();
    }

    private static boolean isParserWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u3000';
    }

    /** A quoted term for a string field: only the quote and the backslash need escaping inside quotes. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code field:("a" OR "b")}. */
    static String anyOf(String field, Collection<String> values) {
        List<String> quoted = new ArrayList<>(values.size());
        for (String v : values) quoted.add(quoted(v));
        quoted.sort(null); // same filter, same string: one filter-cache entry
        return field + ":(" + String.join(" OR ", quoted) + ")";
    }

    /** The filter queries ({@code fq}) of a search: the visibility join and each non-empty part of the filter. */
    static List<String> filterQueries(Filter filter) {
        List<String> fqs = new ArrayList<>(4);
        fqs.add(CURRENT_CHUNKS);
        if (!filter.sources().isEmpty()) fqs.add(anyOf(SOURCE, filter.sources()));
        if (!filter.tags().isEmpty()) fqs.add(anyOf(TAGS, filter.tags()));
        Reader reader = filter.reader();
        if (!reader.seesAll()) {
            String isPublic = PUBLIC + ":" + PUBLIC_VALUE;
            fqs.add(reader.groups().isEmpty() ? isPublic : isPublic + " OR " + anyOf(ACCESS_GROUPS, reader.groups()));
        }
        return fqs;
    }

    /** The query text of a vector: {@code [x1,x2,...]}, each float written so that it parses back to itself. */
    static String vector(float[] v) {
        StringBuilder sb = new StringBuilder(v.length * 12);
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(v[i]);
        }
        return sb.append(']').toString();
    }
}
