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
 * <p>A source whose bytes hash the same as the stored one (with the same tags and groups) is skipped;
 * changed ones are embedded and replaced in batches, each batch one atomic store commit, so a crash
 * mid-run leaves every source either in its old or its new state and a re-run finishes the job without
 * duplicates. A file that cannot be read is
 * reported with its reason and the run goes on.
 */
public final class Ingestor {
    /** Most files, and most chunks, written in one store commit (also used by reindex, which writes alike). */
    public static final int BATCH_MAX_FILES = 64;
    public static final int BATCH_MAX_CHUNKS = 256;

    private final DocumentParser parser;
    private final SentenceChunker chunker;
    private final Embedder embedder;
    private final KnowledgeStore store;

    public Ingestor(DocumentParser parser, SentenceChunker chunker, Embedder embedder, KnowledgeStore store) {
        this.parser = parser;
        this.chunker = chunker;
        this.embedder = embedder;
        this.store = store;
    }

    public IngestReport ingest(IngestPlan plan, IngestListener listener) {
        long t0 = System.nanoTime();
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
    private record Prepared(SourceRecord record, List<Chunk> chunks, boolean update) {}

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
            for (Prepared p : batch.files) for (Chunk c : p.chunks()) texts.add(embeddingText(c));
            List<float[]> vectors = embedder.embedAll(texts);
            List<SourceUpdate> updates = new ArrayList<>(batch.files.size());
            int v = 0;
            for (Prepared p : batch.files) {
                List<EmbeddedChunk> embedded = new ArrayList<>(p.chunks().size());
                for (Chunk c : p.chunks()) embedded.add(new EmbeddedChunk(c, vectors.get(v++)));
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
            byte[] bytes = readAll(file);
            String hash = sha256(bytes);
            Optional<SourceRecord> stored = store.source(source);
            if (stored.isPresent() && stored.get().contentHash().equals(hash)
                    && stored.get().tags().equals(plan.tags()) && stored.get().accessGroups().equals(plan.accessGroups())) {
                return new FileResult(source, Outcome.UNCHANGED, stored.get().chunkCount(), null);
            }
            Document doc = parser.parse(file, source);
            List<Chunk> chunks = chunker.chunk(doc, plan.tags(), plan.accessGroups());
            if (chunks.isEmpty()) throw new UnreadableDocumentException(file + " contains no text to index");
            SourceRecord record = new SourceRecord(source, hash, bytes.length, chunks.size(), Instant.now(), plan.tags(), plan.accessGroups());
            return new Prepared(record, chunks, stored.isPresent());
        } catch (UnreadableDocumentException e) {
            return new FileResult(source, Outcome.FAILED, 0, e.getMessage());
        } catch (IOException e) {
            return new FileResult(source, Outcome.FAILED, 0, file + ": cannot read (" + e.getMessage() + ")");
        }
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

    private static byte[] readAll(Path file) throws IOException, UnreadableDocumentException {
        if (!Files.exists(file)) throw new UnreadableDocumentException(file + " does not exist");
        if (!Files.isRegularFile(file)) throw new UnreadableDocumentException(file + " is not a regular file");
        if (!Files.isReadable(file)) throw new UnreadableDocumentException(file + " is not readable (check its permissions)");
        return Files.readAllBytes(file);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

}
