package io.knowhow.core.ingest;

import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestReport.FileResult;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.DocumentParser;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.core.port.VectorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Brings files into the knowledge base: hash, parse, chunk, embed, store — one source at a time.
 *
 * <p>A file larger than the plan's limit is refused by name before a byte is read; the others are hashed as a
 * stream, never held whole in memory. Tags and access groups stick to a source until a plan names new ones (see
 * {@link IngestPlan}). A source whose bytes hash the same as the stored one (with the same tags and groups) is skipped;
 * changed ones are embedded and replaced in batches, each batch one atomic store commit, so a crash
 * mid-run leaves every source either in its old or its new state and a re-run finishes the job without
 * duplicates. A file that cannot be read is
 * reported with its reason and the run goes on. An {@code Ingestor} runs one ingest at a time.
 */
public final class Ingestor {
    /** Most files, and most chunks, written in one store commit (also used by reindex, which writes alike). */
    public static final int BATCH_MAX_FILES = 64;
    public static final int BATCH_MAX_CHUNKS = 256;

    private final DocumentParser parser;
    private final SentenceChunker chunker;
    private final Embedder embedder;
    private final KnowledgeStore store;
    /** The manifest as it was when the run started, read once and only when a new file needs its folder's groups. */
    private List<SourceRecord> sourcesSnapshot;

    public Ingestor(DocumentParser parser, SentenceChunker chunker, Embedder embedder, KnowledgeStore store) {
        this.parser = parser;
        this.chunker = chunker;
        this.embedder = embedder;
        this.store = store;
    }

    public IngestReport ingest(IngestPlan plan, IngestListener listener) {
        long t0 = System.nanoTime();
        sourcesSnapshot = null;
        List<FileResult> results = new ArrayList<>();
        List<String> vanished = vanishedSources(plan);
        listener.started(plan.files().size() + vanished.size());
        Batch batch = new Batch();
        for (Path file : plan.files()) {
            Object outcome = prepare(file, plan);
            if (outcome instanceof FileResult done) {
                results.add(done);
                listener.fileDone(done);
            } else {
                batch.add((Prepared) outcome);
                if (batch.full()) flush(batch, results, listener);
            }
        }
        flush(batch, results, listener);
        for (String source : vanished) {
            store.deleteSource(source);
            FileResult r = new FileResult(source, Outcome.REMOVED, 0, null);
            results.add(r);
            listener.fileDone(r);
        }
        return new IngestReport(results, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A parsed, chunked file waiting for its embeddings. */
    private record Prepared(SourceRecord record, List<Chunk> chunks, boolean update, List<float[]> vectors) {
        Prepared(SourceRecord record, List<Chunk> chunks, boolean update) {
            this(record, chunks, update, null);
        }
    }

    /**
     * Files gathered until they hold enough chunks to fill the embedder's batches; written in one
     * store commit. Small files (one chunk each) would otherwise pay a model call and a durable commit
     * apiece — 8 chunks/s instead of the embedder's speed on SQuAD's 2,067 paragraphs.
     */
    private static final class Batch {
        static final int MAX_CHUNKS = BATCH_MAX_CHUNKS;
        static final int MAX_FILES = BATCH_MAX_FILES;
        final List<Prepared> files = new ArrayList<>();
        int chunks;

        void add(Prepared p) {
            files.add(p);
            chunks += p.chunks().size();
        }

        boolean full() {
            return chunks >= MAX_CHUNKS || files.size() >= MAX_FILES;
        }
    }

    private void flush(Batch batch, List<FileResult> results, IngestListener listener) {
        if (batch.files.isEmpty()) return;
        List<FileResult> done = new ArrayList<>();
        try {
            List<String> texts = new ArrayList<>(batch.chunks);
            for (Prepared p : batch.files) if (p.vectors() == null) for (Chunk c : p.chunks()) texts.add(embeddingText(c));
            List<float[]> vectors = texts.isEmpty() ? List.of() : embedder.embedAll(texts);
            List<SourceUpdate> updates = new ArrayList<>(batch.files.size());
            int v = 0;
            for (Prepared p : batch.files) {
                List<EmbeddedChunk> embedded = new ArrayList<>(p.chunks().size());
                for (int i = 0; i < p.chunks().size(); i++)
                    embedded.add(new EmbeddedChunk(p.chunks().get(i), p.vectors() != null ? p.vectors().get(i) : vectors.get(v++)));
                updates.add(new SourceUpdate(p.record(), embedded));
            }
            store.replaceSources(updates);
            for (Prepared p : batch.files)
                done.add(new FileResult(p.record().source(), p.update() ? Outcome.UPDATED : Outcome.ADDED, p.chunks().size(), null));
        } catch (RuntimeException e) {
            // The store kept its previous state (its writes are atomic), so each file of the batch is
            // reported as failed and a re-run picks them up again.
            for (Prepared p : batch.files)
                done.add(new FileResult(p.record().source(), Outcome.FAILED, 0, p.record().source() + ": not stored (" + e.getMessage() + ")"));
        }
        for (FileResult r : done) {
            results.add(r);
            listener.fileDone(r);
        }
        batch.files.clear();
        batch.chunks = 0;
    }

    /** Hashes and parses one file: a finished result (unchanged, failed) or chunks to embed. */
    private Object prepare(Path file, IngestPlan plan) {
        String source = IngestPlan.sourceKey(file);
        try {
            long size = checkReadable(file, plan.maxFileBytes());
            String hash = sha256(file);
            Optional<SourceRecord> stored = store.source(source);
            Set<String> tags = plan.tags().orElseGet(() -> stored.map(SourceRecord::tags).orElse(Set.of()));
            Set<String> groups = plan.accessGroups().orElseGet(() -> stored.map(SourceRecord::accessGroups)
                    .orElseGet(() -> folderGroups(file, plan)));
            if (stored.isPresent() && stored.get().contentHash().equals(hash)) {
                if (stored.get().tags().equals(tags) && stored.get().accessGroups().equals(groups))
                    return new FileResult(source, Outcome.UNCHANGED, stored.get().chunkCount(), null);
                // Same text, new labels: the stored chunks and vectors are rewritten with them, nothing is parsed or embedded.
                if (store instanceof VectorSource vectorSource) {
                    List<EmbeddedChunk> kept = vectorSource.embeddedChunks(source);
                    if (kept.size() == stored.get().chunkCount()) {
                        List<Chunk> relabelled = kept.stream().map(e -> e.chunk().withLabels(tags, groups)).toList();
                        SourceRecord record = new SourceRecord(source, hash, stored.get().sizeBytes(), kept.size(), Instant.now(), tags, groups);
                        return new Prepared(record, relabelled, true, kept.stream().map(EmbeddedChunk::vector).toList());
                    }
                }
            }
            Document doc = parser.parse(file, source);
            List<Chunk> chunks = chunker.chunk(doc, tags, groups);
            if (chunks.isEmpty()) throw new UnreadableDocumentException(file + " contains no text to index");
            SourceRecord record = new SourceRecord(source, hash, size, chunks.size(), Instant.now(), tags, groups);
            return new Prepared(record, chunks, stored.isPresent());
        } catch (UnreadableDocumentException e) {
            return new FileResult(source, Outcome.FAILED, 0, e.getMessage());
        } catch (IOException e) {
            return new FileResult(source, Outcome.FAILED, 0, file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * The access groups a new file gets when the run names none: those that every stored source of its synced folder
     * shares, so a file added to a restricted folder does not become public by a re-ingest that forgot --group.
     */
    private Set<String> folderGroups(Path file, IngestPlan plan) {
        String key = IngestPlan.sourceKey(file);
        for (Path folder : plan.syncedFolders()) {
            String prefix = IngestPlan.sourceKey(folder) + java.io.File.separator;
            if (!key.startsWith(prefix)) continue;
            Set<String> shared = null;
            for (SourceRecord r : siblings(prefix)) {
                if (shared == null) shared = r.accessGroups();
                else if (!shared.equals(r.accessGroups())) return Set.of(); // mixed: no single answer, the default applies
            }
            return shared == null ? Set.of() : shared;
        }
        return Set.of();
    }

    private List<SourceRecord> siblings(String prefix) {
        if (sourcesSnapshot == null) sourcesSnapshot = store.sources();
        return sourcesSnapshot.stream().filter(r -> r.source().startsWith(prefix)).toList();
    }

    /** The heading path is embedded with the chunk: "Install › Linux" disambiguates a bare "Run make.". */
    public static String embeddingText(Chunk chunk) {
        String heading = chunk.headingLabel();
        return heading.isEmpty() ? chunk.text() : heading + "\n" + chunk.text();
    }

    private List<String> vanishedSources(IngestPlan plan) {
        if (plan.syncedFolders().isEmpty()) return List.of();
        Set<String> present = new HashSet<>();
        for (Path f : plan.files()) present.add(IngestPlan.sourceKey(f));
        List<String> out = new ArrayList<>();
        for (SourceRecord r : store.sources()) {
            if (present.contains(r.source())) continue;
            for (Path folder : plan.syncedFolders()) {
                String prefix = IngestPlan.sourceKey(folder) + java.io.File.separator;
                if (r.source().startsWith(prefix) && !Files.exists(Path.of(r.source()))) {
                    out.add(r.source());
                    break;
                }
            }
        }
        return out;
    }

    /** Checks the file can be read and is within the size limit, before a byte is read; returns its size. */
    private static long checkReadable(Path file, long maxBytes) throws IOException, UnreadableDocumentException {
        if (!Files.exists(file)) throw new UnreadableDocumentException(file + " does not exist");
        if (!Files.isRegularFile(file)) throw new UnreadableDocumentException(file + " is not a regular file");
        if (!Files.isReadable(file)) throw new UnreadableDocumentException(file + " is not readable (check its permissions)");
        long size = Files.size(file);
        if (size > maxBytes)
            throw new UnreadableDocumentException(file + " is " + megabytes(size) + ", over the limit of " + megabytes(maxBytes)
                    + " (ingest.max-file-bytes): split it, or raise the limit");
        return size;
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
    }

    /** SHA-256 of the file's bytes, streamed: a file is never held in memory to be hashed. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[64 * 1024];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

}
