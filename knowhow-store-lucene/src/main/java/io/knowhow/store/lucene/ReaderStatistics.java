package io.knowhow.store.lucene;

import io.knowhow.core.model.Reader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.SmallFloat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import static io.knowhow.store.lucene.IndexLayout.CONTENT;

/**
 * BM25 statistics counted over the chunks one reader may read, so that no score depends on a chunk the
 * reader cannot see.
 *
 * <p>Lucene computes a term's weight from index-wide statistics: how many documents hold the term
 * ({@code docFreq}) and how long documents are on average ({@code avgdl}), restricted and deleted documents
 * included. An anonymous reader's score of a public chunk would then change when a restricted chunk with
 * the same word is added: a side channel telling that someone's restricted notes use the word. Here the
 * {@code content} field's statistics count only live documents the reader may read:
 *
 * <ul>
 *   <li>{@code docCount} and {@code avgdl}: over the readable chunks, lengths decoded from the norms (what
 *       BM25 itself uses per document: exact up to 40 tokens, within 1/16 above). Computed once per commit
 *       and reader identity, then cached (16 entries).
 *   <li>a term's {@code docFreq}: its postings walked and intersected with the readable set — O(docFreq), less
 *       than scoring the term (no frequencies are decoded) — then cached with the commit ({@value #CACHED_TERMS}
 *       terms per commit and reader). {@code totalTermFreq} is reported equal to {@code docFreq}: BM25 does
 *       not use it, and counting it would mean decoding every frequency.
 * </ul>
 *
 * <p>Cost ({@code bench/run StoreBench}, docs/security.md): computing the readable set and
 * lengths once per commit and reader, tens of milliseconds at 100,000 chunks; then per query a fraction of a
 * millisecond more than Lucene's statistics at 100,000 chunks, most of it gone once the query's words are
 * cached.
 *
 * <p>When no readable chunk holds a term, Lucene's own statistics are kept for it: they only weigh on
 * documents holding the term, none of which this reader gets. The {@link Reader#unrestricted()} reader,
 * who reads everything, keeps Lucene's statistics (which also count deleted documents until a merge).
 */
final class ReaderStatistics {
    private static final int CACHED = 16;

    /** Most terms whose statistics one commit and reader keep; past it the cache starts over. */
    private static final int CACHED_TERMS = 4096;

    /**
     * Readable documents and the content field's statistics over them, for one commit and one reader
     * identity, with the term statistics computed so far (a commit never changes, so neither do they).
     */
    private record Visibility(FixedBitSet[] readable, CollectionStatistics content, Map<BytesRef, TermStatistics> terms) {
        Visibility(FixedBitSet[] readable, CollectionStatistics content) {
            this(readable, content, new ConcurrentHashMap<>());
        }
    }

    private final Map<List<Object>, Visibility> cache = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Visibility> eldest) {
            return size() > CACHED;
        }
    };

    /**
     * A searcher over {@code base}'s commit whose BM25 statistics count only what {@code reader} may read;
     * {@code base} itself for the unrestricted reader.
     */
    IndexSearcher searcherFor(IndexSearcher base, Reader reader, Executor executor) throws IOException {
        Query readable = FilterQueries.readableBy(reader);
        if (readable == null) return base;
        Visibility visibility = visibility(base, reader, readable);
        return new Scoped(base, visibility, executor);
    }

    private Visibility visibility(IndexSearcher base, Reader reader, Query readable) throws IOException {
        IndexReader.CacheHelper helper = base.getIndexReader().getReaderCacheHelper();
        List<Object> key = helper == null ? null : List.of(helper.getKey(), reader);
        if (key != null) {
            synchronized (cache) {
                Visibility cached = cache.get(key);
                if (cached != null) return cached;
            }
        }
        Visibility computed = compute(base, readable);
        if (key != null) {
            synchronized (cache) {
                cache.put(key, computed);
            }
        }
        return computed;
    }

    private static Visibility compute(IndexSearcher base, Query readable) throws IOException {
        List<LeafReaderContext> leaves = base.getIndexReader().leaves();
        FixedBitSet[] bits = new FixedBitSet[leaves.size()];
        Weight weight = base.createWeight(base.rewrite(readable), ScoreMode.COMPLETE_NO_SCORES, 1f);
        long docCount = 0, sumLengths = 0;
        for (LeafReaderContext leaf : leaves) {
            FixedBitSet set = new FixedBitSet(Math.max(1, leaf.reader().maxDoc()));
            bits[leaf.ord] = set;
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) continue;
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc())
                if (live == null || live.get(doc)) set.set(doc);
            NumericDocValues norms = leaf.reader().getNormValues(CONTENT);
            if (norms == null) continue;
            for (int doc = norms.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = norms.nextDoc()) {
                long norm = norms.longValue();
                if (norm == 0 || !set.get(doc)) continue;
                docCount++;
                sumLengths += SmallFloat.byte4ToInt((byte) norm);
            }
        }
        CollectionStatistics content = docCount == 0 ? null
                : new CollectionStatistics(CONTENT, docCount, docCount, Math.max(sumLengths, docCount), docCount);
        return new Visibility(bits, content);
    }

    /** The searcher of one query: the commit of {@code base}, the statistics of one reader. */
    private static final class Scoped extends IndexSearcher {
        private final Visibility visibility;

        Scoped(IndexSearcher base, Visibility visibility, Executor executor) {
            super(base.getIndexReader().getContext(), executor);
            this.visibility = visibility;
            setSimilarity(base.getSimilarity());
            setQueryCache(base.getQueryCache());
            setQueryCachingPolicy(base.getQueryCachingPolicy());
        }

        @Override
        public CollectionStatistics collectionStatistics(String field) throws IOException {
            if (!field.equals(CONTENT) || visibility.content() == null) return super.collectionStatistics(field);
            return visibility.content();
        }

        @Override
        public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
            if (!term.field().equals(CONTENT) || visibility.content() == null) return super.termStatistics(term, docFreq, totalTermFreq);
            TermStatistics cached = visibility.terms().get(term.bytes());
            if (cached != null) return cached;
            long df = 0;
            PostingsEnum postings = null;
            for (LeafReaderContext leaf : getIndexReader().leaves()) {
                Terms terms = leaf.reader().terms(CONTENT);
                if (terms == null) continue;
                TermsEnum te = terms.iterator();
                if (!te.seekExact(term.bytes())) continue;
                FixedBitSet readable = visibility.readable()[leaf.ord];
                postings = te.postings(postings, PostingsEnum.NONE);
                for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc())
                    if (readable.get(doc)) df++;
            }
            // No readable chunk holds the term: Lucene's statistics then weigh only on chunks this reader never gets.
            TermStatistics stats = df == 0 ? super.termStatistics(term, docFreq, totalTermFreq)
                    : new TermStatistics(BytesRef.deepCopyOf(term.bytes()), df, df);
            if (visibility.terms().size() >= CACHED_TERMS) visibility.terms().clear();
            visibility.terms().put(BytesRef.deepCopyOf(term.bytes()), stats);
            return stats;
        }
    }
}
