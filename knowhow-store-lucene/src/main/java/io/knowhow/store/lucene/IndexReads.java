package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.StoreIdentity;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import static io.knowhow.store.lucene.IndexLayout.KIND;
import static io.knowhow.store.lucene.IndexLayout.KIND_CHANGE;
import static io.knowhow.store.lucene.IndexLayout.KIND_CHUNK;
import static io.knowhow.store.lucene.IndexLayout.KIND_SOURCE;

/**
 * The reading half of a store — search and the manifest — over whatever lends it searchers: the same
 * code serves the writer, which sees its own commits, and a read-only store, which sees the last commit
 * on disk.
 */
final class IndexReads {
    private final SearcherAccess access;
    private final ChunkSearch search;
    private final StoreIdentity identity;
    private final String location;

    IndexReads(SearcherAccess access, ChunkSearch search, StoreIdentity identity, String location) {
        this.access = access;
        this.search = search;
        this.identity = identity;
        this.location = location;
    }

    List<Hit> retrieve(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.mode() != SearchMode.BM25) IndexIdentity.checkVector(request.vector(), "the query vector", identity, location);
        return access.read(searcher -> search.retrieve(searcher, request));
    }

    List<SourceRecord> sources() {
        List<SourceRecord> sources = access.read(s -> all(s, new TermQuery(new Term(KIND, KIND_SOURCE)), IndexLayout::toSource));
        sources.sort(Comparator.comparing(SourceRecord::source));
        return sources;
    }

    Optional<SourceRecord> source(String source) {
        Objects.requireNonNull(source, "source");
        return access.read(s -> all(s, FilterQueries.ofKind(KIND_SOURCE, source), IndexLayout::toSource)).stream().findFirst();
    }

    List<Chunk> chunks(String source) {
        Objects.requireNonNull(source, "source");
        List<Chunk> chunks = access.read(s -> {
            Query q = FilterQueries.ofKind(KIND_CHUNK, source);
            int count = s.count(q);
            if (count == 0) return new ArrayList<>();
            return new ArrayList<>(Arrays.asList(ChunkRecords.read(s, s.search(q, count).scoreDocs)));
        });
        chunks.sort(Comparator.comparingInt(Chunk::ordinal));
        return chunks;
    }

    /** The chunks of one source with their stored float vectors, in order: a migration copies them without re-embedding. */
    List<EmbeddedChunk> embeddedChunks(String source) {
        Objects.requireNonNull(source, "source");
        List<EmbeddedChunk> out = access.read(searcher -> {
            Query q = FilterQueries.ofKind(KIND_CHUNK, source);
            int count = searcher.count(q);
            List<EmbeddedChunk> list = new ArrayList<>(count);
            if (count == 0) return list;
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            ScoreDoc[] found = searcher.search(q, count).scoreDocs;
            Chunk[] chunks = ChunkRecords.read(searcher, found);
            for (int i = 0; i < found.length; i++) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(found[i].doc, leaves));
                FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexLayout.VECTOR);
                KnnVectorValues.DocIndexIterator it = values.iterator();
                it.advance(found[i].doc - leaf.docBase);
                list.add(new EmbeddedChunk(chunks[i], values.vectorValue(it.index()).clone()));
            }
            return list;
        });
        out.sort(Comparator.comparingInt(e -> e.chunk().ordinal()));
        return out;
    }

    List<SourceChange> changes() {
        return access.read(IndexReads::history);
    }

    /** The change history on {@code searcher}, oldest first. */
    static List<SourceChange> history(IndexSearcher searcher) throws IOException {
        Query changes = new TermQuery(new Term(KIND, KIND_CHANGE));
        int count = searcher.count(changes);
        List<SourceChange> result = new ArrayList<>(count);
        if (count == 0) return result;
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc sd : searcher.search(changes, count, IndexLayout.changeOrder()).scoreDocs)
            result.add(IndexLayout.toChange(stored.document(sd.doc)));
        return result;
    }

    /** The largest change sequence number on {@code searcher}; 0 when there is no history. */
    static long lastChangeSeq(IndexSearcher searcher) throws IOException {
        Query changes = new TermQuery(new Term(KIND, KIND_CHANGE));
        Sort newestFirst = new Sort(new SortField(IndexLayout.CHANGE_SEQ, SortField.Type.LONG, true));
        ScoreDoc[] top = searcher.search(changes, 1, newestFirst).scoreDocs;
        return top.length == 0 ? 0 : IndexLayout.changeSeq(searcher.storedFields().document(top[0].doc));
    }

    static <T> List<T> all(IndexSearcher searcher, Query query, Function<Document, T> mapper) throws IOException {
        int count = searcher.count(query);
        List<T> result = new ArrayList<>(count);
        if (count == 0) return result;
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc sd : searcher.search(query, count).scoreDocs) result.add(mapper.apply(stored.document(sd.doc)));
        return result;
    }
}
