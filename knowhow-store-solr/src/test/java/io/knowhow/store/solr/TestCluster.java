package io.knowhow.store.solr;

import io.knowhow.core.port.StoreLocation;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real SolrCloud for the tests: {@code nodes} Jetty nodes and an embedded ZooKeeper on 127.0.0.1, started from
 * Solr's test framework (nothing installed), one per test class.
 */
final class TestCluster implements AutoCloseable {
    final MiniSolrCloudCluster solr;
    private final Path base;

    private TestCluster(MiniSolrCloudCluster solr, Path base) {
        this.solr = solr;
        this.base = base;
    }

    static TestCluster start(int nodes) throws Exception {
        Path base = Files.createTempDirectory("knowhow-solrcloud-");
        // Solr's test framework reads these; without them its nodes refuse configsets uploaded over HTTP.
        System.setProperty("solr.log.dir", base.resolve("logs").toString());
        System.setProperty("zookeeper.admin.enableServer", "false");
        return new TestCluster(new MiniSolrCloudCluster(nodes, base, JettyConfig.builder().build()), base);
    }

    String zkAddress() {
        return solr.getZkServer().getZkAddress();
    }

    /** The store location of a knowledge base in collection {@code collection} of this cluster. */
    StoreLocation location(Path kbDir, String collection, int shards, int replicas) {
        return new StoreLocation(kbDir, Map.of(SolrSettings.ZK_HOSTS, zkAddress(), SolrSettings.COLLECTION, collection,
                SolrSettings.SHARDS, Integer.toString(shards), SolrSettings.REPLICAS, Integer.toString(replicas)));
    }

    /** Deletes every collection and alias whose name starts with {@code name}. */
    void deleteCollections(String name) throws Exception {
        var client = solr.getSolrClient();
        var aliases = new org.apache.solr.client.solrj.request.CollectionAdminRequest.ListAliases().process(client).getAliases();
        if (aliases != null && aliases.containsKey(name))
            org.apache.solr.client.solrj.request.CollectionAdminRequest.deleteAlias(name).process(client);
        for (String c : org.apache.solr.client.solrj.request.CollectionAdminRequest.listCollections(client))
            if (c.equals(name) || c.startsWith(name + "_"))
                org.apache.solr.client.solrj.request.CollectionAdminRequest.deleteCollection(c).process(client);
    }

    @Override
    public void close() throws Exception {
        solr.shutdown();
        try (var files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
