package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import io.knowhow.store.solr.SolrSettings;
import io.knowhow.store.solr.SolrStoreProvider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The SolrCloud store against the embedded Lucene store on the same chunks and vectors: retrieval quality per
 * mode on SciFact and SQuAD v1.1 (they must agree within rounding), how often both return the same top 10, bulk
 * write throughput (store only: the chunks are embedded once, beforehand) and search latency.
 *
 * <p>Solr 9's Lucene 9 cannot share this JVM with the embedded store's Lucene 10, so the cluster is another
 * process: {@code --zk HOST:PORT[/chroot]} for a running one (e.g. {@code bin/solr start -c}), else this program
 * starts knowhow-store-solr's test cluster ({@code TestClusterMain}: 2 nodes, embedded ZooKeeper) from the class
 * path written by {@code bench/run-solr-parity}. Collections are 2 shards × 2 replicas ({@code --shards},
 * {@code --replicas}).
 *
 * <p>Run: {@code bench/run-solr-parity [--data DIR] [--questions N] [--zk ADDRESS] [--only scifact,squad]}.
 */
public final class SolrParityBench {
    private static final SearchMode[] MODES = {SearchMode.BM25, SearchMode.DENSE, SearchMode.HYBRID};

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        int questions = Integer.parseInt(opt.getOrDefault("questions", "1000"));
        String shards = opt.getOrDefault("shards", "2"), replicas = opt.getOrDefault("replicas", "2");
        Set<String> only = Set.of(opt.getOrDefault("only", "scifact,squad").split(","));
        Path work = Files.createTempDirectory("solrparity-");
        Process cluster = null;
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, ChunkingOptions.DEFAULT_VECTOR_TOKENS)) {
            String zk = opt.get("zk");
            if (zk == null) {
                cluster = startCluster(Path.of(opt.getOrDefault("cluster-classpath", "knowhow-store-solr/target/cluster-classpath.txt")));
                zk = readZk(cluster);
            }
            System.out.printf("# SolrParityBench %s — %s, %d cores, Java %s, model %s; SolrCloud at %s, %s shards × %s replicas%n%n",
                    Instant.now(), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                    embedder.info().id(), opt.get("zk") == null ? "a local 2-node test cluster" : zk, shards, replicas);
            StoreIdentity identity = StoreIdentity.of(embedder.info());
            SolrStoreProvider solr = new SolrStoreProvider();

            if (only.contains("scifact")) scifact(embedder, solr, identity, data, work, zk, shards, replicas);
            if (only.contains("squad")) squad(embedder, solr, identity, data, work, zk, shards, replicas, questions);
        } finally {
            if (cluster != null) {
                cluster.getOutputStream().close();
                if (!cluster.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) cluster.destroyForcibly();
            }
            RagBench.deleteTree(work);
        }
    }

    private static void scifact(OnnxEmbedder embedder, SolrStoreProvider solr, StoreIdentity identity, Path data, Path work, String zk,
                                String shards, String replicas) throws IOException {
        {
            SciFactFiles sf = SciFactFiles.write(data.resolve("scifact"), work.resolve("scifact/docs"));
            List<SourceUpdate> sciUpdates = embed(embedder, sf.files(), work.resolve("scifact/embed"));
            System.out.printf("## SciFact (BEIR test): %d abstracts → %d chunks; %d queries%n%n", sf.files().size(), count(sciUpdates), sf.queries().size());
            try (KnowledgeStore lucene = LuceneKnowledgeStore.open(work.resolve("scifact/lucene"), identity.embedderId(), identity.dimension());
                 KnowledgeStore cloud = solr.openForWriting(location(work.resolve("scifact"), zk, "parity_scifact", shards, replicas), identity, Duration.ofSeconds(30))) {
                writeTable(sciUpdates, lucene, cloud);
                List<float[]> vectors = sf.queries().stream().map(embedder::embedQuery).toList();
                System.out.println("| mode | store | nDCG@10 | recall@10 | recall@100 | same top 10 | search p50 ms | search p99 ms |");
                System.out.println("|---|---|---|---|---|---|---|---|");
                for (SearchMode mode : MODES) {
                    Run l = run(lucene, sf.queries(), vectors, mode, 300), c = run(cloud, sf.queries(), vectors, mode, 300);
                    for (Run r : List.of(l, c)) {
                        double ndcg = 0, r10 = 0, r100 = 0;
                        for (int i = 0; i < sf.queries().size(); i++) {
                            List<String> ranked = RagBench.dedupe(r.sources.get(i));
                            ndcg += Metrics.ndcg(ranked, sf.relevant().get(i), 10);
                            r10 += Metrics.recall(ranked, sf.relevant().get(i), 10);
                            r100 += Metrics.recall(ranked, sf.relevant().get(i), 100);
                        }
                        int n = sf.queries().size();
                        System.out.printf("| %s | %s | %.3f | %.3f | %.3f | %s | %.2f | %.2f |%n", name(mode), r == l ? "lucene" : "solr",
                                ndcg / n, r10 / n, r100 / n, r == l ? "" : agreement(l, c), Metrics.percentile(r.latency, 50), Metrics.percentile(r.latency, 99));
                    }
                }
                System.out.println();
            }

        }
    }

    private static void squad(OnnxEmbedder embedder, SolrStoreProvider solr, StoreIdentity identity, Path data, Path work, String zk,
                              String shards, String replicas, int questions) throws IOException {
        {
            Squad squad = Squad.load(data.resolve("squad-v1.1-dev/dev-v1.1.json"));
            List<Path> files = squad.writeParagraphs(work.resolve("squad/docs"));
            List<SourceUpdate> squadUpdates = embed(embedder, files, work.resolve("squad/embed"));
            List<Squad.Question> qs = new ArrayList<>(squad.questions());
            Collections.shuffle(qs, new Random(42));
            if (qs.size() > questions) qs = qs.subList(0, questions);
            System.out.printf("## SQuAD v1.1 dev: %d paragraphs → %d chunks; %d questions (gold = the question's paragraph)%n%n",
                    files.size(), count(squadUpdates), qs.size());
            try (KnowledgeStore lucene = LuceneKnowledgeStore.open(work.resolve("squad/lucene"), identity.embedderId(), identity.dimension());
                 KnowledgeStore cloud = solr.openForWriting(location(work.resolve("squad"), zk, "parity_squad", shards, replicas), identity, Duration.ofSeconds(30))) {
                writeTable(squadUpdates, lucene, cloud);
                List<String> texts = qs.stream().map(Squad.Question::text).toList();
                List<float[]> vectors = texts.stream().map(embedder::embedQuery).toList();
                Function<Squad.Question, Set<String>> gold = q -> Set.of(IngestPlan.sourceKey(files.get(q.paragraph())));
                System.out.println("| mode | store | recall@1 | recall@5 | recall@10 | MRR@10 | same top 10 | search p50 ms | search p99 ms |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                for (SearchMode mode : MODES) {
                    Run l = run(lucene, texts, vectors, mode, 10), c = run(cloud, texts, vectors, mode, 10);
                    for (Run r : List.of(l, c)) {
                        int r1 = 0, r5 = 0, r10 = 0;
                        double mrr = 0;
                        for (int i = 0; i < qs.size(); i++) {
                            int rank = Metrics.firstRelevantRank(RagBench.dedupe(r.sources.get(i)), gold.apply(qs.get(i)));
                            if (rank == 1) r1++;
                            if (rank >= 1 && rank <= 5) r5++;
                            if (rank >= 1 && rank <= 10) r10++;
                            if (rank >= 1) mrr += 1.0 / rank;
                        }
                        int n = qs.size();
                        System.out.printf("| %s | %s | %.3f | %.3f | %.3f | %.3f | %s | %.2f | %.2f |%n", name(mode), r == l ? "lucene" : "solr",
                                (double) r1 / n, (double) r5 / n, (double) r10 / n, mrr / n, r == l ? "" : agreement(l, c),
                                Metrics.percentile(r.latency, 50), Metrics.percentile(r.latency, 99));
                    }
                }
                System.out.println();
            }
        }
    }

    /** Chunks and embeds the files once, through the real ingest pipeline, and keeps what it would store. */
    private static List<SourceUpdate> embed(OnnxEmbedder embedder, List<Path> files, Path index) {
        List<SourceUpdate> updates = new ArrayList<>();
        try (LuceneKnowledgeStore scratch = LuceneKnowledgeStore.open(index, embedder.info().id(), embedder.info().dimension())) {
            KnowledgeStore recording = new Recording(scratch, updates);
            new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, ChunkingOptions.DEFAULT), embedder, recording)
                    .ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
        }
        return updates;
    }

    /** Writes the same updates into both stores, in the ingest's batches, and prints the throughput of each. */
    private static void writeTable(List<SourceUpdate> updates, KnowledgeStore lucene, KnowledgeStore cloud) {
        System.out.println("| store | bulk write (chunks/s, no embedding) | seconds |");
        System.out.println("|---|---|---|");
        for (KnowledgeStore store : List.of(lucene, cloud)) {
            long t = System.nanoTime();
            List<SourceUpdate> batch = new ArrayList<>();
            int chunks = 0;
            for (SourceUpdate u : updates) {
                batch.add(u);
                chunks += u.chunks().size();
                if (batch.size() >= Ingestor.BATCH_MAX_FILES || chunks >= Ingestor.BATCH_MAX_CHUNKS) {
                    store.replaceSources(batch);
                    batch = new ArrayList<>();
                    chunks = 0;
                }
            }
            if (!batch.isEmpty()) store.replaceSources(batch);
            double secs = (System.nanoTime() - t) / 1e9;
            System.out.printf("| %s | %.0f | %.1f |%n", store == lucene ? "lucene" : "solr", count(updates) / secs, secs);
        }
        System.out.println();
    }

    /** One store's answers: per query, the ranked sources, chunk ids and scores, and the latency. */
    private record Run(List<List<String>> sources, List<List<String>> ids, List<double[]> scores, double[] latency) {}

    private static Run run(KnowledgeStore store, List<String> texts, List<float[]> vectors, SearchMode mode, int k) {
        for (int i = 0; i < Math.min(50, texts.size()); i++) // warm-up: caches, JIT, connections
            store.retrieve(new SearchRequest(texts.get(i), vectors.get(i), k, mode, Filter.NONE));
        List<List<String>> sources = new ArrayList<>(), ids = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        double[] latency = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long t = System.nanoTime();
            List<Hit> hits = store.retrieve(new SearchRequest(texts.get(i), vectors.get(i), k, mode, Filter.NONE));
            latency[i] = (System.nanoTime() - t) / 1e6;
            sources.add(hits.stream().map(h -> h.chunk().source()).toList());
            ids.add(hits.stream().map(h -> h.chunk().id()).toList());
            scores.add(hits.stream().mapToDouble(Hit::score).toArray());
        }
        return new Run(sources, ids, scores, latency);
    }

    /**
     * Share of queries whose top 10 chunk ids are the same, in the same order, in both stores; then how many of the
     * others list the same scores (to 1e-5, relative) and differ only in the order of tied chunks, and how many
     * differ in scores — those would be a bug to explain.
     */
    private static String agreement(Run a, Run b) {
        int same = 0, ties = 0, other = 0;
        for (int i = 0; i < a.ids.size(); i++) {
            int n = Math.min(10, Math.min(a.ids.get(i).size(), b.ids.get(i).size()));
            if (a.ids.get(i).subList(0, Math.min(10, a.ids.get(i).size())).equals(b.ids.get(i).subList(0, Math.min(10, b.ids.get(i).size())))) {
                same++;
                continue;
            }
            boolean equalScores = true;
            for (int r = 0; r < n; r++) {
                double x = a.scores.get(i)[r], y = b.scores.get(i)[r];
                if (Math.abs(x - y) > 1e-5 * Math.max(1, Math.abs(x))) equalScores = false;
            }
            if (equalScores) ties++;
            else other++;
        }
        return String.format(Locale.ROOT, "%.3f (%d tie order, %d scores)", (double) same / a.ids.size(), ties, other);
    }

    private static long count(List<SourceUpdate> updates) {
        return updates.stream().mapToLong(u -> u.chunks().size()).sum();
    }

    private static String name(SearchMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static StoreLocation location(Path kbDir, String zk, String collection, String shards, String replicas) {
        return new StoreLocation(kbDir, Map.of(SolrSettings.ZK_HOSTS, zk, SolrSettings.COLLECTION, collection,
                SolrSettings.SHARDS, shards, SolrSettings.REPLICAS, replicas));
    }

    private static Process startCluster(Path classpathFile) throws IOException {
        if (!Files.exists(classpathFile))
            throw new IllegalStateException(classpathFile + " is missing: run this through bench/run-solr-parity, which writes it, or pass --zk ADDRESS");
        String cp = Files.readString(classpathFile).strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-cp", cp, "io.knowhow.store.solr.TestClusterMain", "2");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static String readZk(Process cluster) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; )
            if (line.startsWith("zk=")) return line.substring(3);
        throw new IllegalStateException("the test cluster exited before it printed its ZooKeeper address");
    }

    /** A store that keeps every update it is given (and passes it on), to replay the same chunks and vectors elsewhere. */
    private record Recording(KnowledgeStore delegate, List<SourceUpdate> updates) implements KnowledgeStore {
        @Override
        public void replaceSources(List<SourceUpdate> batch) {
            updates.addAll(batch);
            delegate.replaceSources(batch);
        }

        @Override
        public boolean deleteSource(String source) {
            return delegate.deleteSource(source);
        }

        @Override
        public List<Hit> retrieve(SearchRequest request) {
            return delegate.retrieve(request);
        }

        @Override
        public List<SourceRecord> sources() {
            return delegate.sources();
        }

        @Override
        public Optional<SourceRecord> source(String source) {
            return delegate.source(source);
        }

        @Override
        public List<Chunk> chunks(String source) {
            return delegate.chunks(source);
        }

        @Override
        public List<io.knowhow.core.model.SourceChange> changes() {
            return delegate.changes();
        }

        @Override
        public void purgeDeleted() {
            delegate.purgeDeleted();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
