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
import org.apache.lucene.index.IndexWriter;
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

import static io.knowhow.core.port.KnowledgeStoreContract.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A knowledge base written in format 1 (English-only keyword analysis) stays searchable, refuses writes, and reindex brings it to format 2. */
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
}
