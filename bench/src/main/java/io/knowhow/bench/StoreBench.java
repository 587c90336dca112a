package io.knowhow.bench;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.store.lucene.LuceneStoreProvider;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The costs behind three decisions of the Lucene store, measured through its public API on synthetic
 * chunks (60 words from a Zipf-distributed vocabulary of 5,000, random unit vectors of 32 dimensions —
 * the vectors play no part in what is measured):
 *
 * <ul>
 *   <li>{@code refresh}: a read-only store checks for a newer commit before every read: a stat of
 *       {@code KB/index}, and a listing of it (highest {@code segments_N}) when its modification time moved.
 *       Each alone, and BM25 latency of a reader that checks every read against one that checks hourly.
 *   <li>{@code purge}: deleting one 20-chunk source with and without {@code purgeDeleted()}.
 *   <li>{@code acl}: BM25 for an anonymous reader (statistics over readable chunks) against an unrestricted
 *       reader filtered by a tag that selects the same chunks (Lucene's statistics): the cost of per-reader
 *       statistics. 10% of the chunks are restricted to a group.
 * </ul>
 *
 * <pre>bench/run StoreBench [--chunks 10000,100000] [--queries 2000] [--only refresh,purge,acl]</pre>
 */
public final class StoreBench {
    private static final StoreIdentity IDENTITY = new StoreIdentity("synthetic-32", 32);
    private static final int WORDS = 60;
    private static final int CHUNKS_PER_SOURCE = 20;

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        int[] sizes = Arrays.stream(a.getOrDefault("chunks", "10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        int queries = Integer.parseInt(a.getOrDefault("queries", "2000"));
        Set<String> only = Set.of(a.getOrDefault("only", "refresh,purge,acl").split(","));
        System.out.printf(Locale.ROOT, "StoreBench: %d cores, %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        for (int chunks : sizes) {
            Path kb = Files.createTempDirectory("storebench-");
            try {
                long t = System.nanoTime();
                build(kb, chunks);
                System.out.printf(Locale.ROOT, "%n== %,d chunks (built in %.0f s)%n", chunks, (System.nanoTime() - t) / 1e9);
                if (only.contains("refresh")) refresh(kb, queries);
                if (only.contains("acl")) acl(kb, queries);
                if (only.contains("purge")) purge(kb);
            } finally {
                try (Stream<Path> s = Files.walk(kb)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
        }
    }

    private static StoreLocation at(Path kb) {
        return StoreLocation.of(kb);
    }

    private static void build(Path kb, int chunks) {
        SplittableRandom random = new SplittableRandom(7);
        String[] vocabulary = new String[5000];
        for (int i = 0; i < vocabulary.length; i++) vocabulary[i] = "w" + Integer.toString(i, 36);
        LuceneStoreProvider provider = new LuceneStoreProvider();
        try (KnowledgeStore store = provider.openForWriting(at(kb), IDENTITY, Duration.ZERO)) {
            List<SourceUpdate> batch = new ArrayList<>();
            for (int s = 0; s * CHUNKS_PER_SOURCE < chunks; s++) {
                String source = "/docs/s" + s + ".md";
                boolean restricted = s % 10 == 0;
                Set<String> groups = restricted ? Set.of("hr") : Set.of();
                Set<String> tags = restricted ? Set.of() : Set.of("pub");
                List<EmbeddedChunk> embedded = new ArrayList<>();
                for (int c = 0; c < CHUNKS_PER_SOURCE; c++) {
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < WORDS; w++) text.append(vocabulary[zipf(random, vocabulary.length)]).append(' ');
                    Chunk chunk = new Chunk(Chunk.idOf(source, c), source, c, text.toString(), List.of(), 0, text.length(), WORDS, tags, groups);
                    embedded.add(new EmbeddedChunk(chunk, unit(random)));
                }
                batch.add(new SourceUpdate(new SourceRecord(source, "0".repeat(64), 1, CHUNKS_PER_SOURCE, Instant.now(), tags, groups), embedded));
                if (batch.size() == 50) {
                    store.replaceSources(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) store.replaceSources(batch);
        }
    }

    private static void refresh(Path kb, int queries) throws IOException {
        Path index = kb.resolve("index");
        int n = 20_000;
        try (FSDirectory dir = FSDirectory.open(index)) {
            long sink = 0;
            for (int i = 0; i < n; i++) sink += stat(index) + list(dir); // warm-up
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) sink += stat(index);
            double statUs = (System.nanoTime() - t) / 1e3 / n;
            t = System.nanoTime();
            for (int i = 0; i < n; i++) sink += list(dir);
            double listUs = (System.nanoTime() - t) / 1e3 / n;
            System.out.printf(Locale.ROOT, "refresh: stat of the index directory %.1f us; listing it for the highest segments_N %.1f us (%d files)%s%n",
                    statUs, listUs, dir.listAll().length, sink == 42 ? "!" : "");
        }
        LuceneStoreProvider provider = new LuceneStoreProvider();
        StoreLocation every = at(kb);
        StoreLocation hourly = new StoreLocation(kb, Map.of(LuceneStoreProvider.READER_CHECK_MS, "3600000"));
        try (ReadableKnowledgeStore checking = provider.openForReading(every, IDENTITY);
             ReadableKnowledgeStore notChecking = provider.openForReading(hourly, IDENTITY)) {
            List<String> texts = queryTexts(queries);
            double[][] ms = alternate(texts, Filter.NONE, checking, Filter.NONE, notChecking);
            System.out.printf(Locale.ROOT, "refresh: BM25 p50 %.3f ms / mean %.3f ms checking every read; p50 %.3f ms / mean %.3f ms checking hourly%n",
                    p50(ms[0]), mean(ms[0]), p50(ms[1]), mean(ms[1]));
        }
    }

    /** What a reader does before every read: one stat (inode and modification time). */
    private static long stat(Path index) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(index, BasicFileAttributes.class);
        return attributes.lastModifiedTime().toMillis() + (attributes.fileKey() == null ? 0 : 1);
    }

    /** What it does when the modification time moved: list the directory, find the newest commit. */
    private static long list(FSDirectory dir) throws IOException {
        return SegmentInfos.getLastCommitGeneration(dir.listAll());
    }

    private static void acl(Path kb, int queries) {
        LuceneStoreProvider provider = new LuceneStoreProvider();
        try (ReadableKnowledgeStore reader = provider.openForReading(at(kb), IDENTITY)) {
            List<String> texts = queryTexts(queries);
            Filter anonymous = Filter.readableBy(Reader.anonymous());
            Filter tagged = new Filter(Set.of(), Set.of("pub"), Reader.unrestricted());
            long t = System.nanoTime();
            reader.retrieve(new SearchRequest(texts.getFirst(), null, 10, SearchMode.BM25, anonymous));
            double first = (System.nanoTime() - t) / 1e6;
            double[][] ms = alternate(texts, anonymous, reader, tagged, reader);
            System.out.printf(Locale.ROOT, "acl: BM25 p50 %.3f ms / mean %.3f ms anonymous (per-reader statistics); p50 %.3f ms / mean %.3f ms "
                    + "unrestricted filtered to the same chunks (Lucene's); first anonymous query after opening %.1f ms%n",
                    p50(ms[0]), mean(ms[0]), p50(ms[1]), mean(ms[1]), first);
        }
    }

    private static void purge(Path kb) {
        LuceneStoreProvider provider = new LuceneStoreProvider();
        try (KnowledgeStore store = provider.openForWriting(at(kb), IDENTITY, Duration.ZERO)) {
            List<String> sources = store.sources().stream().map(SourceRecord::source).toList();
            double[] plain = new double[3], purged = new double[3];
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                store.deleteSource(sources.get(1 + 2 * i));
                plain[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                store.deleteSource(sources.get(2 + 2 * i));
                store.purgeDeleted();
                purged[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.printf(Locale.ROOT, "purge: delete one source %s ms; delete + purgeDeleted %s ms%n", Arrays.toString(round(plain)),
                    Arrays.toString(round(purged)));
        }
    }

    /** Runs every query on both stores, alternating which goes first, after a warm-up of a quarter of them. */
    private static double[][] alternate(List<String> texts, Filter f1, ReadableKnowledgeStore s1, Filter f2, ReadableKnowledgeStore s2) {
        int warm = texts.size() / 4;
        for (int i = 0; i < warm; i++) {
            s1.retrieve(new SearchRequest(texts.get(i), null, 10, SearchMode.BM25, f1));
            s2.retrieve(new SearchRequest(texts.get(i), null, 10, SearchMode.BM25, f2));
        }
        double[] a = new double[texts.size()], b = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            boolean firstA = i % 2 == 0;
            if (firstA) a[i] = time(s1, texts.get(i), f1);
            b[i] = time(s2, texts.get(i), f2);
            if (!firstA) a[i] = time(s1, texts.get(i), f1);
        }
        return new double[][] {a, b};
    }

    private static double time(ReadableKnowledgeStore store, String text, Filter filter) {
        long t = System.nanoTime();
        store.retrieve(new SearchRequest(text, null, 10, SearchMode.BM25, filter));
        return (System.nanoTime() - t) / 1e6;
    }

    private static List<String> queryTexts(int n) {
        SplittableRandom random = new SplittableRandom(11);
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder q = new StringBuilder();
            for (int w = 0; w < 4; w++) q.append('w').append(Integer.toString(zipf(random, 5000), 36)).append(' ');
            texts.add(q.toString());
        }
        return texts;
    }

    /** A rank in [0, n) with probability about 1/(rank+1): a few words common, most rare. */
    private static int zipf(SplittableRandom random, int n) {
        return (int) Math.min(n - 1, Math.floor(Math.exp(random.nextDouble() * Math.log(n + 1)) - 1));
    }

    private static float[] unit(SplittableRandom random) {
        float[] v = new float[IDENTITY.dimension()];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            sum += v[i] * v[i];
        }
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) v[i] /= norm;
        return v;
    }

    private static double p50(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double mean(double[] ms) {
        return Arrays.stream(ms).average().orElse(0);
    }

    private static double[] round(double[] ms) {
        return Arrays.stream(ms).map(x -> Math.round(x)).toArray();
    }
}
