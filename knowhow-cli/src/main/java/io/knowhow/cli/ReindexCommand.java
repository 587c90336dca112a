package io.knowhow.cli;

import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.Embedder;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code knowhow reindex}: re-embeds every stored chunk with the configured embedding model, after a
 * change of model or ONNX Runtime version. Chunks are re-embedded from the index itself, so the source
 * files need not be at hand. The new index is built beside the old one and swapped in only when
 * complete; until then the old one stays in place.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true,
        description = {"Re-embed all chunks with the configured embedding model.",
                "Use it after changing embedder.model or upgrading knowhow's ONNX Runtime. The old index stays",
                "in use until the new one is complete."})
final class ReindexCommand extends KbCommand {
    /** Commit sizes, as the ingestor's: at most this many sources or chunks per commit. */
    private static final int BATCH_SOURCES = 64;
    private static final int BATCH_CHUNKS = 256;

    @Override
    int run(KnowhowRuntime runtime) throws IOException {
        Path index = runtime.kbDir().resolve(KnowhowRuntime.INDEX_DIR);
        LuceneKnowledgeStore.BuiltWith old = LuceneKnowledgeStore.builtWith(index).orElseThrow(() ->
                new IllegalArgumentException("no knowledge base at " + runtime.kbDir() + " to reindex"));
        Embedder embedder = runtime.embedder();
        if (old.embedderId().equals(embedder.info().id()) && old.dimension() == embedder.info().dimension()) {
            out().println("Already built with " + old.embedderId() + "; nothing to do.");
            return 0;
        }
        Path fresh = runtime.kbDir().resolve(KnowhowRuntime.INDEX_DIR + ".reindex");
        deleteTree(fresh); // a previous interrupted reindex
        int chunks = 0;
        try (LuceneKnowledgeStore from = LuceneKnowledgeStore.open(index, old.embedderId(), old.dimension());
             LuceneKnowledgeStore to = LuceneKnowledgeStore.open(fresh, embedder.info().id(), embedder.info().dimension())) {
            List<SourceRecord> sources = from.sources();
            long total = sources.stream().mapToLong(SourceRecord::chunkCount).sum();
            try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("Re-embedding")
                    .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" chunks", 1).build()) {
                // Sources go to the new index in batches, one commit each, as ingest writes them: a commit per
                // source made reindexing thousands of small files commit-bound.
                List<SourceUpdate> batch = new ArrayList<>();
                int batchChunks = 0;
                for (SourceRecord source : sources) {
                    List<Chunk> stored = from.chunks(source.source());
                    List<float[]> vectors = embedder.embedAll(stored.stream().map(Ingestor::embeddingText).toList());
                    List<EmbeddedChunk> embedded = new ArrayList<>(stored.size());
                    for (int i = 0; i < stored.size(); i++) embedded.add(new EmbeddedChunk(stored.get(i), vectors.get(i)));
                    batch.add(new SourceUpdate(source, embedded));
                    batchChunks += stored.size();
                    chunks += stored.size();
                    if (bar != null) bar.stepBy(stored.size());
                    if (batch.size() >= BATCH_SOURCES || batchChunks >= BATCH_CHUNKS) {
                        to.replaceSources(batch);
                        batch = new ArrayList<>();
                        batchChunks = 0;
                    }
                }
                if (!batch.isEmpty()) to.replaceSources(batch);
            }
        }
        Path previous = runtime.kbDir().resolve(KnowhowRuntime.INDEX_DIR + ".previous");
        deleteTree(previous);
        Files.move(index, previous, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, index, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(previous);
        out().printf("Re-embedded %d chunks: %s → %s%n", chunks, old.embedderId(), embedder.info().id());
        return 0;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
