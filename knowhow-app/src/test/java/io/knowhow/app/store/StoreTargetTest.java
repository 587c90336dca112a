package io.knowhow.app.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreTargetTest {
    final Path kb = Path.of("/tmp/kb");

    @Test
    void solrByZooKeeperWithChrootAndSettings() {
        StoreTarget t = StoreTarget.parse("solr://zk1:2181,zk2:2181/solr?collection=hand%20book&shards=4&replicas=2", kb);
        assertThat(t.kind()).isEqualTo("solr");
        assertThat(t.location().kbDir()).isEqualTo(kb);
        assertThat(t.location().settings()).isEqualTo(Map.of("solr.zk-hosts", "zk1:2181,zk2:2181/solr",
                "solr.collection", "hand book", "solr.shards", "4", "solr.replicas", "2"));
        assertThat(t.configuration()).containsEntry("store.kind", "solr").containsEntry("solr.zk-hosts", "zk1:2181,zk2:2181/solr");
    }

    @Test
    void solrByUrlAndTheEmbeddedStore() {
        assertThat(StoreTarget.parse("solr+https://solr1:8983/solr?collection=kb", kb).location().settings())
                .isEqualTo(Map.of("solr.urls", "https://solr1:8983/solr", "solr.collection", "kb"));
        StoreTarget here = StoreTarget.parse("lucene", kb);
        assertThat(here.kind()).isEqualTo("lucene");
        assertThat(here.location().kbDir()).isEqualTo(kb);
        assertThat(here.location().settings()).isEmpty();
        assertThat(StoreTarget.parse("lucene:/srv/other-kb", kb).location().kbDir()).isEqualTo(Path.of("/srv/other-kb"));
    }

    @Test
    void nonsenseIsRefusedWithTheFormsThatWork() {
        assertThatThrownBy(() -> StoreTarget.parse("://x", kb)).hasMessageContaining("solr://ZK_HOST:PORT");
        assertThatThrownBy(() -> StoreTarget.parse("solr+ftp://x", kb)).hasMessageContaining("solr+http or solr+https");
        assertThatThrownBy(() -> StoreTarget.parse("solr://zk:2181?collection", kb)).hasMessageContaining("has no value");
    }
}
