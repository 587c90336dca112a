package io.knowhow.bench.jmh;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The retrieval hot loop: one {@code retrieve} per mode over N synthetic chunks (random unit vectors,
 * text from a Zipf-like vocabulary), query embedding excluded.
 * Run: {@code bench/run jmh SearchBench -p chunks=100000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SearchBench {
    private static final int DIM = 384;

    @Param({"20000"})
    int chunks;

    @Param({"BM25", "DENSE", "HYBRID"})
    String mode;

    /**
     * Who reads: unrestricted (no access filter); anonymous on an index where every chunk is public (the store drops
     * the filter: nothing is excluded); anonymous on the same index plus one chunk restricted to a group (the filter
     * applies inside the vector search, as it must).
     */
    @Param({"unrestricted", "anonymous", "anonymous-restricted-1"})
    String reader;

    private Path dir;
    private LuceneKnowledgeStore store;
    private final Random rnd = new Random(3);
    private String[] vocab;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void build() throws Exception {
        dir = Files.createTempDirectory("searchbench-");
        vocab = new String[5000];
        for (int i = 0; i < vocab.length; i++) vocab[i] = "w" + Integer.toString(i, 36);
        store = LuceneKnowledgeStore.open(dir, "synthetic", DIM);
        Random r = new Random(1);
        for (int s = 0; s * 1000 < chunks; s++) {
            List<EmbeddedChunk> batch = new ArrayList<>();
            String source = "s" + s;
            for (int i = 0; i < 1000 && s * 1000 + i < chunks; i++) {
                StringBuilder sb = new StringBuilder();
                for (int w = 0; w < 60; w++) sb.append(word(r)).append(' ');
                batch.add(new EmbeddedChunk(new Chunk(Chunk.idOf(source, i), source, i, sb.toString(), List.of(), 0, sb.length(), 60, null, null), unit(r)));
            }
            store.replaceSource(new SourceRecord(source, "h", 0, batch.size(), Instant.now(), Set.of(), Set.of()), batch);
        }
        if (reader.equals("anonymous-restricted-1")) {
            Chunk secret = new Chunk("secret#0", "secret", 0, "restricted words", List.of(), 0, 16, 2, Set.of(), Set.of("hr"));
            store.replaceSource(new SourceRecord("secret", "h", 0, 1, Instant.now(), Set.of(), Set.of("hr")), List.of(new EmbeddedChunk(secret, unit(r))));
        }
        queries = new float[256][];
        for (int i = 0; i < queries.length; i++) queries[i] = unit(rnd);
    }

    private String word(Random r) {
        // Zipf-like: low indices far more frequent, as in real text.
        return vocab[(int) Math.min(vocab.length - 1, Math.floor(Math.exp(r.nextDouble() * Math.log(vocab.length))) - 1)];
    }

    private static float[] unit(Random r) {
        float[] v = new float[DIM];
        double n = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Benchmark
    public Object retrieve() {
        int i = next++ & (queries.length - 1);
        String text = word(rnd) + " " + word(rnd) + " " + word(rnd);
        Filter filter = reader.equals("unrestricted") ? Filter.NONE : Filter.readableBy(io.knowhow.core.model.Reader.anonymous());
        return store.retrieve(new SearchRequest(text, queries[i], 10, SearchMode.valueOf(mode), filter));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        store.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
