package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads chunk documents back as {@link Chunk}s: from their {@link IndexLayout#CHUNK_RECORD} doc values (format 3), or
 * from the stored fields of a segment written before format 3 — an index upgraded in place holds both kinds until its
 * old chunks are written again (re-ingest, {@code knowhow reindex --force}, or a copy by {@code knowhow migrate}).
 *
 * <p>Why doc values: a search's hits are a handful of documents scattered over the index, and Lucene's stored fields
 * decompress a block of tens of kilobytes to reach each one (~20 µs a hit at 100k chunks, measured), where the
 * uncompressed record is read in ~2 µs.
 */
final class ChunkRecords {
    private ChunkRecords() {}

    /** The chunks of {@code hits} (chunk documents), in the order given. */
    static Chunk[] read(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        int[] docs = new int[hits.length];
        for (int i = 0; i < docs.length; i++) docs[i] = hits[i].doc;
        return read(searcher, docs);
    }

    /** The chunks of {@code docs} (top-level document ids of chunk documents), in the order given. */
    static Chunk[] read(IndexSearcher searcher, int[] docs) throws IOException {
        Integer[] byDoc = new Integer[docs.length];
        for (int i = 0; i < byDoc.length; i++) byDoc[i] = i;
        Arrays.sort(byDoc, Comparator.comparingInt(i -> docs[i])); // doc values only move forward
        Chunk[] chunks = new Chunk[docs.length];
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        BinaryDocValues records = null;
        StoredFields stored = null;
        int last = -1, lastIndex = -1;
        for (int i : byDoc) {
            int doc = docs[i];
            if (doc == last) { // the same document twice: the doc values iterator cannot go back to it
                chunks[i] = chunks[lastIndex];
                continue;
            }
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                records = leaf.reader().getBinaryDocValues(IndexLayout.CHUNK_RECORD);
                stored = null;
            }
            int local = doc - leaf.docBase;
            if (records != null && records.advanceExact(local)) {
                chunks[i] = IndexLayout.toChunk(records.binaryValue());
            } else {
                if (stored == null) stored = leaf.reader().storedFields();
                chunks[i] = IndexLayout.toChunk(stored.document(local));
            }
            last = doc;
            lastIndex = i;
        }
        return chunks;
    }
}
