package io.knowhow.core.testing;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.VectorSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link KnowledgeStore} held in memory, for tests of the parts around a store: it keeps the store contract
 * ({@code InMemoryKnowledgeStoreTest extends KnowledgeStoreContract}), so a test that passes on it tests the
 * caller, not a fake's quirks. BM25 over lower-cased words (no stemming), dot-product dense search, and relative
 * score fusion for hybrid, as the embedded store fuses. Stores "kept under" the same path share their contents,
 * as a process reopening a directory would; {@link #failNextWrite()} makes the next write fail like a full disk,
 * leaving the contents as they were.
 */
public final class InMemoryKnowledgeStore implements KnowledgeStore, VectorSource {
    private static final Map<Path, Shelf> SHELVES = new ConcurrentHashMap<>();
    private static final double K1 = 1.2, B = 0.75;
    private static final int MIN_FUSION_CANDIDATES = 50;

    /** Everything stored under one path; shared by the writer and readers opened there. */
    private static final class Shelf {
        final StoreIdentity identity;
        final Map<String, SourceRecord> sources = new TreeMap<>();
        final Map<String, List<EmbeddedChunk>> chunks = new HashMap<>();
        final List<SourceChange> changes = new ArrayList<>();

        Shelf(StoreIdentity identity) {
            this.identity = identity;
        }
    }

    private final Shelf shelf;
    private final boolean writable;
    private volatile boolean closed;
    private boolean failNext;
    private int writes;

    private InMemoryKnowledgeStore(Shelf shelf, boolean writable) {
        this.shelf = shelf;
        this.writable = writable;
    }

    /** A fresh, empty store of its own, for vectors of {@code identity}. */
    public static InMemoryKnowledgeStore create(StoreIdentity identity) {
        return new InMemoryKnowledgeStore(new Shelf(identity), true);
    }

    /** The store kept under {@code place}: empty the first time, holding what was written on later opens. */
    public static InMemoryKnowledgeStore openForWriting(Path place, StoreIdentity identity) {
        return new InMemoryKnowledgeStore(shelf(place, identity, true), true);
    }

    /** A reader of the store kept under {@code place}; it sees every write at once. */
    public static ReadableKnowledgeStore openForReading(Path place, StoreIdentity identity) {
        return new InMemoryKnowledgeStore(shelf(place, identity, false), false);
    }

    private static Shelf shelf(Path place, StoreIdentity identity, boolean create) {
        Shelf s = create ? SHELVES.computeIfAbsent(place.toAbsolutePath().normalize(), p -> new Shelf(identity))
                : SHELVES.get(place.toAbsolutePath().normalize());
        if (s == null) throw new IllegalStateException("no store under " + place);
        if (!s.identity.equals(identity))
            throw new IncompatibleKnowledgeBaseException("The store under " + place + " holds vectors of '" + s.identity.embedderId() + "' ("
                    + s.identity.dimension() + " dimensions), not of '" + identity.embedderId() + "' (" + identity.dimension() + ")");
        return s;
    }

    /** Successful writes (commits) made through this instance: a batch of sources is one. */
    public synchronized int writes() {
        return writes;
    }

    /** The next write fails with an I/O error and changes nothing, as on a full disk. */
    public synchronized void failNextWrite() {
        failNext = true;
    }

    // ---- writes

    @Override
    public void replaceSources(List<SourceUpdate> updates) {
        ensureOpen();
        checkWritable();
        Set<String> seen = new HashSet<>();
        for (SourceUpdate u : updates) {
            if (!seen.add(u.source().source())) throw new IllegalArgumentException("Source " + u.source().source() + " appears twice in one batch");
            Set<String> ids = new HashSet<>();
            for (EmbeddedChunk e : u.chunks()) {
                Chunk c = e.chunk();
                if (!c.source().equals(u.source().source()))
                    throw new IllegalArgumentException("Chunk " + c.id() + " belongs to source '" + c.source() + "', not '" + u.source().source() + "'");
                if (!ids.add(c.id())) throw new IllegalArgumentException("Chunk id " + c.id() + " appears twice in source " + c.source());
                checkVector(e.vector(), "chunk " + c.id());
            }
        }
        synchronized (shelf) {
            failIfAsked();
            Instant now = Instant.now();
            for (SourceUpdate u : updates) {
                String key = u.source().source();
                SourceRecord old = shelf.sources.get(key);
                SourceRecord record = old == null ? u.source() : u.source().withFirstSeenAt(old.firstSeenAt());
                shelf.sources.put(key, record);
                shelf.chunks.put(key, List.copyOf(u.chunks()));
                shelf.changes.add(new SourceChange(now, key, old == null ? SourceChange.Kind.ADDED : SourceChange.Kind.UPDATED, record.contentHash()));
            }
        }
        synchronized (this) {
            writes++;
        }
    }

    @Override
    public boolean deleteSource(String source) {
        ensureOpen();
        checkWritable();
        synchronized (shelf) {
            SourceRecord old = shelf.sources.get(source);
            if (old == null) return false;
            failIfAsked();
            shelf.sources.remove(source);
            shelf.chunks.remove(source);
            shelf.changes.add(new SourceChange(Instant.now(), source, SourceChange.Kind.REMOVED, old.contentHash()));
            return true;
        }
    }

    @Override
    public void purgeDeleted() {
        ensureOpen();
        checkWritable(); // nothing deleted lingers in memory
    }

    private void failIfAsked() {
        synchronized (this) {
            if (failNext) {
                failNext = false;
                throw new UncheckedIOException(new IOException("No space left on device"));
            }
        }
    }

    private void checkWritable() {
        if (!writable) throw new IllegalStateException("this store was opened for reading");
    }

    // ---- reads

    @Override
    public List<Hit> retrieve(SearchRequest request) {
        ensureOpen();
        if (request.mode() != SearchMode.BM25) checkVector(request.vector(), "the query vector");
        List<EmbeddedChunk> candidates = new ArrayList<>();
        synchronized (shelf) {
            for (List<EmbeddedChunk> list : shelf.chunks.values())
                for (EmbeddedChunk e : list) if (request.filter().matches(e.chunk())) candidates.add(e);
        }
        int k = request.k();
        return switch (request.mode()) {
            case BM25 -> top(bm25(request.text(), candidates), k);
            case DENSE -> top(dense(request.vector(), candidates), k);
            case HYBRID -> {
                int n = Math.max(MIN_FUSION_CANDIDATES, 5 * k);
                yield top(fuse(top(bm25(request.text(), candidates), n), top(dense(request.vector(), candidates), n)), k);
            }
        };
    }

    private static List<Hit> bm25(String query, List<EmbeddedChunk> docs) {
        List<String> terms = words(query);
        if (terms.isEmpty() || docs.isEmpty()) return List.of();
        List<List<String>> texts = new ArrayList<>();
        double total = 0;
        for (EmbeddedChunk e : docs) {
            List<String> w = words(String.join(" ", e.chunk().headingPath()) + " " + e.chunk().text());
            texts.add(w);
            total += w.size();
        }
        double avg = total / docs.size();
        List<Hit> hits = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            double score = 0;
            for (String t : new HashSet<>(terms)) {
                long tf = texts.get(d).stream().filter(t::equals).count();
                if (tf == 0) continue;
                long df = texts.stream().filter(w -> w.contains(t)).count();
                double idf = Math.log(1 + (docs.size() - df + 0.5) / (df + 0.5));
                score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * texts.get(d).size() / avg));
            }
            if (score > 0) hits.add(new Hit(docs.get(d).chunk(), score));
        }
        return hits;
    }

    private static List<Hit> dense(float[] query, List<EmbeddedChunk> docs) {
        List<Hit> hits = new ArrayList<>();
        for (EmbeddedChunk e : docs) {
            double dot = 0;
            for (int i = 0; i < query.length; i++) dot += (double) query[i] * e.vector()[i];
            hits.add(new Hit(e.chunk(), dot));
        }
        return hits;
    }

    /** Relative score fusion at equal weights: each list min-max normalised, then summed. */
    private static List<Hit> fuse(List<Hit> lexical, List<Hit> semantic) {
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, Chunk> byId = new HashMap<>();
        for (List<Hit> list : List.of(lexical, semantic)) {
            if (list.isEmpty()) continue;
            double max = list.stream().mapToDouble(Hit::score).max().orElseThrow();
            double min = list.stream().mapToDouble(Hit::score).min().orElseThrow();
            for (Hit h : list) {
                byId.put(h.chunk().id(), h.chunk());
                scores.merge(h.chunk().id(), max > min ? (h.score() - min) / (max - min) : 1.0, Double::sum);
            }
        }
        List<Hit> hits = new ArrayList<>();
        scores.forEach((id, s) -> hits.add(new Hit(byId.get(id), s)));
        return hits;
    }

    private static List<Hit> top(List<Hit> hits, int k) {
        return hits.stream().sorted(Comparator.comparingDouble(Hit::score).reversed().thenComparing(h -> h.chunk().id())).limit(k).toList();
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    @Override
    public List<SourceRecord> sources() {
        ensureOpen();
        synchronized (shelf) {
            return List.copyOf(shelf.sources.values());
        }
    }

    @Override
    public Optional<SourceRecord> source(String source) {
        ensureOpen();
        synchronized (shelf) {
            return Optional.ofNullable(shelf.sources.get(source));
        }
    }

    @Override
    public List<Chunk> chunks(String source) {
        ensureOpen();
        synchronized (shelf) {
            return shelf.chunks.getOrDefault(source, List.of()).stream().map(EmbeddedChunk::chunk)
                    .sorted(Comparator.comparingInt(Chunk::ordinal)).toList();
        }
    }

    @Override
    public List<EmbeddedChunk> embeddedChunks(String source) {
        ensureOpen();
        synchronized (shelf) {
            return shelf.chunks.getOrDefault(source, List.of()).stream()
                    .sorted(Comparator.comparingInt(e -> e.chunk().ordinal())).toList();
        }
    }

    @Override
    public List<SourceChange> changes() {
        ensureOpen();
        synchronized (shelf) {
            return List.copyOf(shelf.changes);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the in-memory store is closed");
    }

    private void checkVector(float[] vector, String what) {
        int dimension = shelf.identity.dimension();
        if (vector.length != dimension)
            throw new IllegalArgumentException("The vector of " + what + " has " + vector.length + " dimensions; the store holds " + dimension);
        double sum = 0;
        for (float x : vector) sum += (double) x * x;
        if (!(Math.abs(Math.sqrt(sum) - 1) <= 1e-2))
            throw new IllegalArgumentException("The vector of " + what + " has L2 norm " + Math.sqrt(sum) + "; the store needs unit vectors");
    }
}
