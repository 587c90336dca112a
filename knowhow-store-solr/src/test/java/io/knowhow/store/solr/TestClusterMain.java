package io.knowhow.store.solr;

/**
 * Starts the tests' SolrCloud (MiniSolrCloudCluster: embedded ZooKeeper and N Jetty nodes, default 2) in a
 * process of its own, prints {@code zk=ADDRESS} on standard output, and runs until its standard input closes.
 * For programs that cannot share a JVM with Solr's Lucene 9 (bench/'s SolrParityBench has Lucene 10 on its class
 * path): they start this from knowhow-store-solr's test class path and talk to it over SolrJ.
 */
public final class TestClusterMain {
    private TestClusterMain() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try (TestCluster cluster = TestCluster.start(nodes)) {
            System.out.println("zk=" + cluster.zkAddress());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our standard input (or die)
            }
        }
    }
}
