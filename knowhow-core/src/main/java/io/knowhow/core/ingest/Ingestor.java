package io.knowhow.core.ingest;

import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestReport.FileResult;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Document;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;
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
 * <p>A source whose bytes hash the same as the stored one (with the same tags and groups) is skipped; a
 * changed one is replaced in a single store commit, so a crash mid-run leaves every source either in its
 * old or its new state and a re-run finishes the job without duplicates. A file that cannot be read is
 * reported with its reason and the run goes on.
 */
public final class Ingestor {
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
        for (Path file : plan.files()) {
            FileResult r = ingestOne(file, plan);
            results.add(r);
            listener.fileDone(r);
        }
        for (String source : vanished) {
            store.deleteSource(source);
            FileResult r = new FileResult(source, Outcome.REMOVED, 0, null);
            results.add(r);
            listener.fileDone(r);
        }
        return new IngestReport(results, (System.nanoTime() - t0) / 1_000_000);
    }

    private FileResult ingestOne(Path file, IngestPlan plan) {
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
            List<String> toEmbed = chunks.stream().map(Ingestor::embeddingText).toList();
            List<float[]> vectors = embedder.embedAll(toEmbed);
            List<EmbeddedChunk> embedded = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) embedded.add(new EmbeddedChunk(chunks.get(i), vectors.get(i)));
            store.replaceSource(new SourceRecord(source, hash, bytes.length, chunks.size(), Instant.now(),
                    plan.tags(), plan.accessGroups()), embedded);
            return new FileResult(source, stored.isPresent() ? Outcome.UPDATED : Outcome.ADDED, chunks.size(), null);
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
