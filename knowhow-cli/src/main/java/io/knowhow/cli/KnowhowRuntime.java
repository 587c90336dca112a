package io.knowhow.cli;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.Generator;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.llm.openai.LlmSettings;
import io.knowhow.llm.openai.OpenAiCompatibleGenerator;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import io.knowhow.tune.generate.GenerationOptions;
import io.knowhow.tune.generate.LocalGenerator;
import io.knowhow.tuneencoder.embed.TunedEmbedder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place where knowhow's parts are chosen and wired, from the knowledge base's config.yaml and
 * the environment. Parts are opened on first use, so {@code knowhow sources} never loads the model.
 */
final class KnowhowRuntime implements AutoCloseable {
    static final String INDEX_DIR = "index";

    private final Path kbDir;
    private final KbConfig config;
    private Embedder embedder;
    private OnnxEmbedder tokenizerModel;
    private KnowledgeStore store;
    private Generator generator;
    private Generator tunedGenerator;
    private final TikaDocumentParser parser = new TikaDocumentParser();

    KnowhowRuntime(Path kbDir) {
        this.kbDir = kbDir.toAbsolutePath().normalize();
        this.config = KbConfig.load(this.kbDir);
    }

    Path kbDir() {
        return kbDir;
    }

    KbConfig config() {
        return config;
    }

    boolean exists() {
        return Files.isDirectory(kbDir.resolve(INDEX_DIR));
    }

    synchronized Embedder embedder() {
        if (embedder == null) {
            String model = config.get("embedder.model", "all-minilm-l6-v2-q");
            embedder = switch (model.toLowerCase(Locale.ROOT)) {
                case "all-minilm-l6-v2-q" -> OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
                case "bge-small-en-v1.5-q", "bge-small-en-v15-q" -> OnnxEmbedder.bundled(BundledModel.BGE_SMALL_EN_V15_Q);
                default -> {
                    // A directory written by `knowhow tune --task embed`: the retrieval-adapted encoder.
                    if (Files.isDirectory(Path.of(model))) yield TunedEmbedder.load(Path.of(model));
                    throw new IllegalArgumentException("embedder.model '" + model
                            + "' is neither a bundled model (all-minilm-l6-v2-q, bge-small-en-v1.5-q) nor a tuned encoder directory");
                }
            };
        }
        return embedder;
    }

    /**
     * The chunker's token counter: the embedder itself when it can count, else the bundled MiniLM's
     * tokenizer — a tuned encoder is MiniLM underneath and shares its WordPiece vocabulary.
     */
    synchronized TokenCounter tokenCounter() {
        if (embedder() instanceof TokenCounter counter) return counter;
        if (tokenizerModel == null) tokenizerModel = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
        return tokenizerModel;
    }

    synchronized KnowledgeStore store() {
        if (store == null) {
            Embedder e = embedder();
            Path index = kbDir.resolve(INDEX_DIR);
            if (!Files.exists(index) && Files.isDirectory(kbDir.resolve(INDEX_DIR + ".previous")))
                throw new IllegalStateException("a reindex of " + kbDir + " was interrupted between two renames: move "
                        + kbDir.resolve(INDEX_DIR + ".previous") + " back to " + index + " and run `knowhow reindex` again");
            try {
                store = LuceneKnowledgeStore.open(index, e.info().id(), e.info().dimension());
            } catch (IncompatibleKnowledgeBaseException mismatch) {
                throw new IncompatibleKnowledgeBaseException(mismatch.getMessage()
                        + "; or run `knowhow reindex` to re-embed it with the configured model", mismatch);
            }
        }
        return store;
    }

    /** Opens the store only if the knowledge base exists; commands that just read must not create one. */
    KnowledgeStore existingStore() {
        if (!exists()) throw new IllegalArgumentException("no knowledge base at " + kbDir + " yet: run `knowhow ingest PATH` first (or pass --kb DIR)");
        return store();
    }

    synchronized Generator generator() {
        if (generator == null) {
            // An LLM endpoint in config.yaml or KNOWHOW_LLM_* replaces the extractive default.
            generator = LlmSettings.fromEnvironment(System.getenv(), config.values())
                    .<Generator>map(OpenAiCompatibleGenerator::new)
                    .orElseGet(ExtractiveGenerator::new);
        }
        return generator;
    }

    TikaDocumentParser parser() {
        return parser;
    }

    /** The fine-tuned model of strategies tuned and hybrid, from tuned.model / tuned.adapter (set by `knowhow tune`). */
    synchronized Generator tunedGenerator() {
        if (tunedGenerator == null) {
            String model = config.get("tuned.model", null);
            if (model == null) throw new IllegalArgumentException("no fine-tuned model configured: run `knowhow tune DATA.jsonl --base MODEL_DIR` first,"
                    + " or `knowhow config set tuned.model DIR` (and tuned.adapter DIR for a LoRA adapter)");
            String adapter = config.get("tuned.adapter", null);
            GenerationOptions options = GenerationOptions.DEFAULTS.withMaxNewTokens(config.getInt("tuned.max-new-tokens", 256))
                    .withDecoding(GenerationOptions.Decoding.parse(config.get("tuned.decoding", "f32")));
            tunedGenerator = LocalGenerator.open(Path.of(model), Optional.ofNullable(adapter).map(Path::of), options);
        }
        return tunedGenerator;
    }

    Ingestor ingestor() {
        ChunkingOptions chunking = new ChunkingOptions(config.getInt("chunk.max-tokens", ChunkingOptions.DEFAULT.maxTokens()),
                config.getInt("chunk.overlap-tokens", ChunkingOptions.DEFAULT.overlapTokens()))
                .fittedTo(embedder().info().maxTokens() - 2);
        return new Ingestor(parser, new SentenceChunker(tokenCounter(), chunking), embedder(), store());
    }

    KnowledgeBase knowledgeBase() {
        return new KnowledgeBase(embedder(), existingStore(), generator());
    }

    /** The knowledge base answering with the fine-tuned model; {@code tuned} alone needs no documents. */
    KnowledgeBase tunedKnowledgeBase(boolean retrieves) {
        return new KnowledgeBase(embedder(), retrieves || exists() ? existingStore() : null, tunedGenerator());
    }

    @Override
    public synchronized void close() {
        if (store != null) store.close();
        if (generator != null) generator.close();
        if (tunedGenerator != null) tunedGenerator.close();
        if (embedder != null) embedder.close();
        if (tokenizerModel != null) tokenizerModel.close();
    }
}
