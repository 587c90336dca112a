package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreProvider;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Reader;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.knowhow.core.port.KnowledgeStoreContract.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Older formats: one written in format 1 (English-only keyword analysis) stays searchable, refuses writes, and reindex
 * brings it up to date; one written in format 2 (chunk records in stored fields) is read, and written to in place.
 */
class FormatUpgradeTest {
    @TempDir
    Path kb;

    private final LuceneStoreProvider provider = new LuceneStoreProvider();

    /** Writes one source, then marks the commit as format 1, as knowhow before the CJK analysis wrote it. */
    private void writeFormat1() throws Exception {
        try (LuceneKnowledgeStore store = provider.openForWriting(StoreLocation.of(kb), IDENTITY, Duration.ZERO)) {
            Chunk c = KnowledgeStoreContract.chunk("policy.md", 0, "Travel expenses are refunded within thirty days");
            store.replaceSource(KnowledgeStoreContract.record("policy.md", 1), List.of(KnowledgeStoreContract.embedded(c)));
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"));
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            Map<String, String> data = new HashMap<>(SegmentInfos.readLatestCommit(dir).getUserData());
            data.put(IndexLayout.FORMAT_KEY, "1");
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
    }

    @Test
    void anOldFormatIsReadableNotWritableAndARebuildBringsItUpToDate() throws Exception {
        writeFormat1();
        StoreLocation location = StoreLocation.of(kb);
        assertThat(provider.needsRebuild(location)).isTrue();

        try (ReadableKnowledgeStore reader = provider.openForReading(location, IDENTITY)) {
            assertThat(reader.retrieve(KnowledgeStoreContract.request(SearchMode.BM25, "travel expenses", 1, Filter.NONE)))
                    .extracting(h -> h.chunk().source()).containsExactly("policy.md");
        }
        assertThatThrownBy(() -> provider.openForWriting(location, IDENTITY, Duration.ZERO).close())
                .isInstanceOf(IncompatibleKnowledgeBaseException.class).hasMessageContaining("store format 1").hasMessageContaining("knowhow reindex");

        List<Chunk> chunks;
        try (ReadableKnowledgeStore old = provider.openForReading(location, IDENTITY)) {
            chunks = old.chunks("policy.md");
        }
        try (StoreProvider.StagedStore staged = provider.buildBeside(location, IDENTITY, Duration.ZERO)) {
            staged.store().replaceSource(KnowledgeStoreContract.record("policy.md", chunks.size()),
                    chunks.stream().map(KnowledgeStoreContract::embedded).toList());
            staged.swapIn();
        }
        assertThat(provider.needsRebuild(location)).isFalse();
        try (LuceneKnowledgeStore writer = provider.openForWriting(location, IDENTITY, Duration.ZERO)) {
            List<Hit> hits = writer.retrieve(KnowledgeStoreContract.request(SearchMode.BM25, "Travel expenses", 1, Filter.NONE));
            assertThat(hits).hasSize(1);
        }
    }

    @Test
    void aNewerFormatThanThisKnowhowReadsIsRefusedWithAnUpgradeHint() throws Exception {
        writeFormat1();
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"));
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            Map<String, String> data = new HashMap<>(SegmentInfos.readLatestCommit(dir).getUserData());
            data.put(IndexLayout.FORMAT_KEY, "99");
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
        assertThatThrownBy(() -> provider.openForReading(StoreLocation.of(kb), IDENTITY).close())
                .isInstanceOf(IncompatibleKnowledgeBaseException.class).hasMessageContaining("newer").hasMessageContaining("upgrade knowhow");
    }

    /** A chunk document as format 2 wrote it: every part of the record in stored fields, no doc values. */
    private static Document format2ChunkDocument(Chunk chunk, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(IndexLayout.KIND, IndexLayout.KIND_CHUNK, Field.Store.NO));
        doc.add(new StringField(IndexLayout.SOURCE, chunk.source(), Field.Store.YES));
        doc.add(new StringField(IndexLayout.ID, chunk.id(), Field.Store.YES));
        doc.add(new StoredField(IndexLayout.ORDINAL, chunk.ordinal()));
        doc.add(new StoredField(IndexLayout.TEXT, chunk.text()));
        doc.add(new TextField(IndexLayout.CONTENT, String.join("\n", chunk.headingPath()) + "\n" + chunk.text(), Field.Store.NO));
        for (String heading : chunk.headingPath()) doc.add(new StoredField(IndexLayout.HEADING_PATH, heading));
        for (String tag : chunk.tags()) doc.add(new StringField(IndexLayout.TAGS, tag, Field.Store.YES));
        for (String group : chunk.accessGroups()) doc.add(new StringField(IndexLayout.ACCESS_GROUPS, group, Field.Store.YES));
        if (chunk.accessGroups().isEmpty()) doc.add(new StringField(IndexLayout.PUBLIC, IndexLayout.PUBLIC_VALUE, Field.Store.NO));
        doc.add(new StoredField(IndexLayout.START_CHAR, chunk.startChar()));
        doc.add(new StoredField(IndexLayout.END_CHAR, chunk.endChar()));
        doc.add(new StoredField(IndexLayout.TOKEN_COUNT, chunk.tokenCount()));
        if (!chunk.language().isEmpty()) doc.add(new StoredField(IndexLayout.LANGUAGE, chunk.language()));
        doc.add(new KnnFloatVectorField(IndexLayout.VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    /** A knowledge base holding {@code old} as format 2 wrote it (its source entry as the store writes it). */
    private void writeFormat2(Chunk old) throws Exception {
        try (LuceneKnowledgeStore store = provider.openForWriting(StoreLocation.of(kb), IDENTITY, Duration.ZERO)) {
            store.replaceSource(KnowledgeStoreContract.record(old.source(), 1), List.of(KnowledgeStoreContract.embedded(old)));
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"));
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(IndexLayout.analyzer()).setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            w.deleteDocuments(new Term(IndexLayout.ID, old.id()));
            w.addDocument(format2ChunkDocument(old, KnowledgeStoreContract.embed(old.text())));
            w.forceMerge(1); // no format-3 record left behind in a segment of its own
            Map<String, String> data = new HashMap<>(SegmentInfos.readLatestCommit(dir).getUserData());
            data.put(IndexLayout.FORMAT_KEY, "2");
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index")); DirectoryReader r = DirectoryReader.open(dir)) {
            for (var leaf : r.leaves())
                assertThat(DocValues.getBinary(leaf.reader(), IndexLayout.CHUNK_RECORD).nextDoc())
                        .as("no document has a chunk record").isEqualTo(DocIdSetIterator.NO_MORE_DOCS);
        }
    }

    @Test
    void aWriterThatWritesNothingLeavesAFormat2IndexAtFormat2() throws Exception {
        // An ingest of files that are all unchanged opens a writer and closes it; the stop-19 knowhow must still read the index.
        Chunk old = new Chunk("handbook.md#0", "handbook.md", 0, "Travel expenses are refunded within thirty days.", List.of(), 0, 48, 8,
                Set.of(), Set.of(), "en");
        writeFormat2(old);
        try (LuceneKnowledgeStore writer = provider.openForWriting(StoreLocation.of(kb), IDENTITY, Duration.ZERO)) {
            assertThat(writer.chunks("handbook.md")).containsExactly(old);
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"))) {
            assertThat(SegmentInfos.readLatestCommit(dir).getUserData()).containsEntry(IndexLayout.FORMAT_KEY, "2");
        }
    }

    @Test
    void aWriteAfterAFailedOneStillRecordsTheNewFormat(@TempDir Path scratch) throws Exception {
        // The failed write's rollback opens a new IndexWriter; the format it records must come with the next write all the same,
        // or the index would hold format-3 documents under a format-2 mark that an older knowhow trusts.
        Chunk old = new Chunk("handbook.md#0", "handbook.md", 0, "Travel expenses are refunded within thirty days.", List.of(), 0, 48, 8,
                Set.of(), Set.of(), "en");
        writeFormat2(old);
        Chunk added = KnowledgeStoreContract.chunk("faq.md", 0, "Parking is free for visitors on weekdays.");
        CrashingDirectory crashing = new CrashingDirectory(kb.resolve("index"));
        try (LuceneKnowledgeStore writer = LuceneKnowledgeStore.open(crashing, kb.toString(), KnowledgeStoreContract.EMBEDDER_ID,
                KnowledgeStoreContract.DIMENSION, LuceneStoreOptions.DEFAULTS)) {
            crashing.crashAtNextCommit(CrashingDirectory.Moment.BEFORE_COMMIT_POINT, scratch.resolve("ignored"));
            assertThatThrownBy(() -> writer.replaceSource(KnowledgeStoreContract.record("faq.md", 1), List.of(KnowledgeStoreContract.embedded(added))))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("keeps its previous state");
            writer.replaceSource(KnowledgeStoreContract.record("faq.md", 1), List.of(KnowledgeStoreContract.embedded(added)));
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"))) {
            assertThat(SegmentInfos.readLatestCommit(dir).getUserData()).containsEntry(IndexLayout.FORMAT_KEY,
                    String.valueOf(IndexLayout.FORMAT_VERSION));
        }
    }

    @Test
    void aFormat2IndexIsReadAndWrittenInPlace() throws Exception {
        Chunk old = new Chunk("handbook.md#0", "handbook.md", 0, "Travel expenses are refunded within thirty days.",
                List.of("Handbook", "Travel"), 10, 58, 8, Set.of("hr", "policy"), Set.of("staff"), "en");
        writeFormat2(old);
        StoreLocation location = StoreLocation.of(kb);
        Filter staff = Filter.readableBy(Reader.of("staff"));
        try (ReadableKnowledgeStore reader = provider.openForReading(location, IDENTITY)) {
            assertThat(reader.chunks("handbook.md")).containsExactly(old);
            for (SearchMode mode : SearchMode.values())
                assertThat(reader.retrieve(KnowledgeStoreContract.request(mode, "travel expenses refunded", 1, staff)))
                        .as(mode.name()).extracting(Hit::chunk).containsExactly(old);
        }

        Chunk added = new Chunk("faq.md#0", "faq.md", 0, "Parking is free for visitors on weekdays.", List.of(), 0, 41, 7,
                Set.of(), Set.of(), "en");
        try (LuceneKnowledgeStore writer = provider.openForWriting(location, IDENTITY, Duration.ZERO)) {
            writer.replaceSource(KnowledgeStoreContract.record("faq.md", 1), List.of(KnowledgeStoreContract.embedded(added)));
            assertThat(writer.chunks("handbook.md")).containsExactly(old);
            assertThat(writer.chunks("faq.md")).containsExactly(added);
            assertThat(writer.embeddedChunks("handbook.md")).extracting(EmbeddedChunk::chunk).containsExactly(old);
            assertThat(writer.retrieve(KnowledgeStoreContract.request(SearchMode.HYBRID, "travel expenses parking visitors", 2, staff)))
                    .extracting(Hit::chunk).containsExactlyInAnyOrder(old, added);
        }
        try (FSDirectory dir = FSDirectory.open(kb.resolve("index"))) {
            assertThat(SegmentInfos.readLatestCommit(dir).getUserData()).containsEntry(IndexLayout.FORMAT_KEY,
                    String.valueOf(IndexLayout.FORMAT_VERSION));
        }
        assertThat(provider.check(location).problems()).isEmpty();
    }
}
