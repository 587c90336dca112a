package io.knowhow.store.solr;

import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.port.StoreLocation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The query strings and settings, without a cluster. */
class SolrQueriesTest {
    @Test
    void userTextIsEscapedIntoWords() {
        assertThat(SolrQueries.words("C++ (templates")).isEqualTo("C\\+\\+ \\(templates");
        assertThat(SolrQueries.words("AND OR NOT and TO")).isEqualTo("\\AND \\OR \\NOT and \\TO");
        assertThat(SolrQueries.words("title:\"x*\"~2 a\\u0041")).isEqualTo("title\\:\\\"x\\*\\\"\\~2 a\\\\u0041");
        assertThat(SolrQueries.words("naïve café 東京")).isEqualTo("naïve café 東京");
        assertThat(SolrQueries.words("a\u00a0b\tc")).as("only the parser's whitespace separates").isEqualTo("a\\\u00a0b\tc");
    }

    @Test
    void filtersBecomeFilterQueries() {
        assertThat(SolrQueries.filterQueries(Filter.NONE)).containsExactly(SolrQueries.CURRENT_CHUNKS);
        assertThat(SolrQueries.filterQueries(Filter.readableBy(Reader.anonymous())))
                .containsExactly(SolrQueries.CURRENT_CHUNKS, "public:true");
        assertThat(SolrQueries.filterQueries(new Filter(Set.of("/a \"b\".md", "c"), Set.of("ops"), Reader.of("hr", "eng"))))
                .containsExactly(SolrQueries.CURRENT_CHUNKS, "source:(\"/a \\\"b\\\".md\" OR \"c\")", "tags:(\"ops\")",
                        "public:true OR accessGroups:(\"eng\" OR \"hr\")");
    }

    @Test
    void vectorsAreWrittenSoThatTheyParseBackExactly() {
        float[] v = {0.1f, -1e-8f, 1f / 3};
        String text = SolrQueries.vector(v);
        assertThat(text).startsWith("[").endsWith("]");
        String[] parts = text.substring(1, text.length() - 1).split(",");
        for (int i = 0; i < v.length; i++) assertThat(Float.parseFloat(parts[i])).isEqualTo(v[i]);
    }

    @Test
    void settingsComeFromTheLocation() {
        SolrSettings s = SolrSettings.of(new StoreLocation(Path.of("/srv/Team Docs"), Map.of(SolrSettings.ZK_HOSTS, "zk1:2181, zk2:2181/solr")));
        assertThat(s.zkHosts()).containsExactly("zk1:2181", "zk2:2181");
        assertThat(s.zkChroot()).contains("/solr");
        assertThat(s.collection()).isEqualTo("team_docs");
        assertThat(s.shards()).isEqualTo(1);
        assertThat(SolrSettings.defaultCollection(StoreLocation.of(Path.of("/home/me/.knowhow")))).isEqualTo("knowhow");
        assertThat(SolrSettings.of(new StoreLocation(Path.of("/kb"), Map.of(SolrSettings.URLS, "http://a:8983/solr,http://b:8983/solr",
                SolrSettings.COLLECTION, "kb", SolrSettings.SHARDS, "4"))).urls()).hasSize(2);
        assertThatThrownBy(() -> SolrSettings.of(StoreLocation.of(Path.of("/kb")))).hasMessageContaining("set solr.zk-hosts");
        assertThatThrownBy(() -> SolrSettings.of(new StoreLocation(Path.of("/kb"), Map.of(SolrSettings.ZK_HOSTS, "zk:2181",
                SolrSettings.COLLECTION, "-bad name")))).hasMessageContaining("is not a Solr collection name");
    }

    @Test
    void aSourcesDocumentsShareOneRouteFreeOfCompositeIdSyntax() {
        String source = "/docs/a!b/c.md";
        assertThat(SolrLayout.sourceDocId(source)).startsWith(SolrLayout.route(source) + "!").containsOnlyOnce("!");
        assertThat(SolrLayout.chunkDocId(source, "v1", 3)).startsWith(SolrLayout.route(source) + "!").containsOnlyOnce("!");
        assertThat(SolrLayout.route(source)).matches("[0-9a-f]{64}");
    }

    @Test
    void theConfigSetNameChangesWithItsFilesAndDimension() {
        var files = SolrCluster.configSetFiles(384);
        assertThat(new String(files.get("schema.xml"), java.nio.charset.StandardCharsets.UTF_8)).contains("vectorDimension=\"384\"");
        String name = SolrCluster.configSetName(384, files);
        assertThat(name).matches("knowhow-v1-d384-[0-9a-f]{12}");
        assertThat(SolrCluster.configSetName(16, SolrCluster.configSetFiles(16))).isNotEqualTo(name).startsWith("knowhow-v1-d16-");
        assertThat(List.copyOf(files.keySet())).containsExactly("solrconfig.xml", "schema.xml", "stopwords_knowhow.txt");
    }

    @Test
    void aResponseWithoutItsDocumentListOrMarkedPartialIsRetriedNotAnsweredFrom() {
        org.apache.solr.common.util.NamedList<Object> whole = new org.apache.solr.common.util.NamedList<>();
        whole.add("responseHeader", new org.apache.solr.common.util.NamedList<>());
        whole.add("response", new org.apache.solr.common.SolrDocumentList());
        var ok = new org.apache.solr.client.solrj.response.QueryResponse();
        ok.setResponse(whole);
        assertThat(SolrKnowledgeStore.complete(ok)).isSameAs(ok);

        var headerOnly = new org.apache.solr.client.solrj.response.QueryResponse();
        org.apache.solr.common.util.NamedList<Object> noDocs = new org.apache.solr.common.util.NamedList<>();
        noDocs.add("responseHeader", new org.apache.solr.common.util.NamedList<>());
        headerOnly.setResponse(noDocs);
        var partialHeader = new org.apache.solr.common.util.NamedList<Object>();
        partialHeader.add("partialResults", true);
        org.apache.solr.common.util.NamedList<Object> partialBody = new org.apache.solr.common.util.NamedList<>();
        partialBody.add("responseHeader", partialHeader);
        partialBody.add("response", new org.apache.solr.common.SolrDocumentList());
        var partial = new org.apache.solr.client.solrj.response.QueryResponse();
        partial.setResponse(partialBody);
        for (var bad : List.of(headerOnly, partial)) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> SolrKnowledgeStore.complete(bad));
            assertThat(t).isInstanceOf(org.apache.solr.common.SolrException.class);
            assertThat(Retrier.retriable(t)).isTrue();
        }
    }

    @Test
    void onlyPassingFailuresAreRetried() {
        assertThat(Retrier.retriable(new java.io.IOException("connection refused"))).isTrue();
        assertThat(Retrier.retriable(new org.apache.solr.common.SolrException(org.apache.solr.common.SolrException.ErrorCode.SERVICE_UNAVAILABLE, "no leader"))).isTrue();
        assertThat(Retrier.retriable(new org.apache.solr.common.SolrException(org.apache.solr.common.SolrException.ErrorCode.BAD_REQUEST, "bad"))).isFalse();
        assertThat(Retrier.conflict(new org.apache.solr.common.SolrException(org.apache.solr.common.SolrException.ErrorCode.CONFLICT, "version"))).isTrue();
        Retrier r = new Retrier("c", java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(50));
        int[] tries = {0};
        assertThatThrownBy(() -> r.call("do it", () -> {
            tries[0]++;
            throw new java.io.IOException("refused");
        })).isInstanceOf(io.knowhow.core.port.KnowledgeBaseUnavailableException.class)
                .hasMessageContaining("Solr collection c: could not do it after").hasMessageContaining("refused");
        assertThat(tries[0]).isBetween(2, 6);
    }
}
