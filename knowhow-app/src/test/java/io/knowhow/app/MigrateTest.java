package io.knowhow.app;

import io.knowhow.app.store.StoreTarget;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Knowhow.migrate on the embedded store (the SolrCloud side runs in knowhow-store-solr's tests, which cannot share
 * a JVM with Lucene 10): everything arrives, and the embedded store, which cannot hand its vectors back yet, has
 * them re-embedded.
 */
class MigrateTest {
    @TempDir
    Path tmp;

    @Test
    void aKnowledgeBaseMovesToAnotherStoreWhole() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("pricing.md"), "# Pricing\n\nThe Team plan costs $49 per editor per month.\n");
        Files.writeString(docs.resolve("ports.txt"), "The web interface listens on port 8443 over HTTPS.\n");
        Path other = tmp.resolve("other-kb");
        try (Knowhow kb = Knowhow.builder(tmp.resolve("kb")).environment(Map.of()).build()) {
            assertThatThrownBy(() -> kb.migrate(StoreTarget.parse("lucene:" + other, kb.directory()), ReindexListener.NONE))
                    .as("nothing to migrate yet").hasMessageContaining("no knowledge base");
            kb.ingest(IngestRequest.of(docs), IngestListener.NONE);
            assertThatThrownBy(() -> kb.migrate(StoreTarget.parse("lucene", kb.directory()), ReindexListener.NONE))
                    .hasMessageContaining("already in that store");

            MigrateResult result = kb.migrate(StoreTarget.parse("lucene:" + other, kb.directory()), ReindexListener.NONE);

            assertThat(result).as("the embedded store hands its vectors back: nothing is embedded again").isEqualTo(new MigrateResult("lucene", 2, 2, true));
            List<SourceRecord> sources = kb.sources(Reader.unrestricted());
            try (Knowhow copy = Knowhow.builder(other).environment(Map.of()).build()) {
                assertThat(copy.sources(Reader.unrestricted())).isEqualTo(sources);
                List<Hit> hits = copy.search("port", 1, SearchMode.HYBRID, Filter.readableBy(Reader.anonymous()));
                assertThat(hits).singleElement().satisfies(h -> assertThat(h.chunk().source()).endsWith("ports.txt"));
            }
        }
    }
}
