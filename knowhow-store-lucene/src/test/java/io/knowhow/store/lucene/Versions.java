package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.StoreIdentity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sources whose every chunk says which version of its file it came from, so a test can tell a consistent
 * answer (all chunks of a file from one version) from a mixed one. Deterministic: the chunk count and the
 * vectors are functions of (file, version).
 */
final class Versions {
    static final StoreIdentity IDENTITY = new StoreIdentity(KnowledgeStoreContract.EMBEDDER_ID, KnowledgeStoreContract.DIMENSION);
    private static final Pattern MARK = Pattern.compile("file (\\S+) version (\\d+) chunk (\\d+)");

    private Versions() {}

    static String source(int file) {
        return "/docs/file" + file + ".md";
    }

    /** Between 1 and 6 chunks, varying with the version so a half-applied replacement would show. */
    static int chunkCount(int file, int version) {
        return 1 + Math.floorMod(file * 7 + version * 3, 6);
    }

    static String hash(int file, int version) {
        return String.format("%064x", (long) file * 1_000_003L + version);
    }

    static SourceUpdate update(int file, int version) {
        String source = source(file);
        int n = chunkCount(file, version);
        List<EmbeddedChunk> chunks = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            String text = "file " + source + " version " + version + " chunk " + c + " alpha common words";
            Chunk chunk = new Chunk(Chunk.idOf(source, c), source, c, text, List.of(), 0, text.length(), 8, Set.of(), Set.of());
            chunks.add(new EmbeddedChunk(chunk, KnowledgeStoreContract.embed(text)));
        }
        SourceRecord record = new SourceRecord(source, hash(file, version), 100L * n, n, Instant.parse("2025-01-01T00:00:00Z"),
                Set.of(), Set.of());
        return new SourceUpdate(record, chunks);
    }

    /** The version a chunk says it is of. */
    static int versionOf(Chunk chunk) {
        Matcher m = MARK.matcher(chunk.text());
        if (!m.find()) throw new AssertionError("not a versioned chunk: " + chunk.text());
        return Integer.parseInt(m.group(2));
    }

    /** Versions seen per source among {@code chunks}; a consistent answer has one per source. */
    static Map<String, Set<Integer>> versionsBySource(List<Chunk> chunks) {
        Map<String, Set<Integer>> seen = new TreeMap<>();
        for (Chunk c : chunks) seen.computeIfAbsent(c.source(), s -> new java.util.TreeSet<>()).add(versionOf(c));
        return seen;
    }
}
