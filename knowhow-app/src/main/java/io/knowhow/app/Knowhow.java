package io.knowhow.app;

import io.knowhow.app.config.AskSettings;
import io.knowhow.app.config.ChunkSettings;
import io.knowhow.app.config.ConfigKeys;
import io.knowhow.app.config.KnowhowConfig;
import io.knowhow.app.config.StoreSettings;
import io.knowhow.app.config.TunedSettings;
import io.knowhow.app.store.StoreProviders;
import io.knowhow.app.store.StoreTarget;
import io.knowhow.app.tune.Tuning;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.Generator;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseBusyException;
import io.knowhow.core.port.KnowledgeStore;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.StoreCheck;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StoreLocation;
import io.knowhow.core.port.StoreMaintenance;
import io.knowhow.core.port.StoreProvider;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.core.port.VectorSource;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.core.rag.Strategy;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.ParseLimits;
import io.knowhow.ingest.SourceFiles;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.llm.openai.LlmSettings;
import io.knowhow.llm.openai.OpenAiCompatibleGenerator;
import io.knowhow.tune.generate.GenerationOptions;
import io.knowhow.tune.generate.LocalGenerator;
import io.knowhow.tuneencoder.classify.Classifier;
import io.knowhow.tuneencoder.classify.Prediction;
import io.knowhow.tuneencoder.embed.TunedEmbedder;
import io.knowhow.tuneencoder.extract.Extractor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A knowledge base, opened from its directory and wired from its {@code config.yaml}: the one public place
 * where knowhow's parts are chosen and connected. The command line and the server are thin faces over it;
 * a Java program embeds knowhow through it too:
 *
 * <pre>{@code
 * try (Knowhow kb = Knowhow.open(Path.of(".knowhow"))) {
 *     kb.ingest(IngestRequest.of(Path.of("docs")), IngestListener.NONE);
 *     Answer a = kb.ask("How do I rotate the API keys?", AskRequest.by(Reader.anonymous()));
 * }
 * }</pre>
 *
 * <p>Parts open on first use, so listing sources never loads the embedding model. Reads (ask, search,
 * sources) use a store opened for reading; each write (ingest, delete, reindex) opens the store for writing,
 * waiting up to {@code store.wait-seconds} for another writer, and closes it when done, so a long-running
 * process does not keep other writers out. Thread-safe: a server shares one instance among requests.
 */
public final class Knowhow implements AutoCloseable {
    private final Path kbDir;
    private final KnowhowConfig config;
    private final Consumer<String> notices;
    private final TikaDocumentParser parser;
    private StoreProvider storeProvider;
    private Embedder embedder;
    private OnnxEmbedder tokenizerModel;
    private ReadableKnowledgeStore reading;
    private Generator generator;
    private Generator tunedGenerator;

    private Knowhow(Path kbDir, Map<String, String> environment, Consumer<String> notices) {
        this.kbDir = kbDir.toAbsolutePath().normalize();
        if (Files.exists(this.kbDir) && !Files.isDirectory(this.kbDir))
            throw new IllegalArgumentException("the knowledge base " + this.kbDir + " is a file, not a directory: pass --kb DIR with a directory");
        this.config = KnowhowConfig.load(this.kbDir, environment);
        this.notices = notices;
        this.parser = new TikaDocumentParser(new ParseLimits(config.longValue(ConfigKeys.INGEST_MAX_CHARS),
                config.integer(ConfigKeys.INGEST_MAX_COMPRESSION_RATIO), config.longValue(ConfigKeys.INGEST_MAX_UNZIPPED_BYTES)));
    }

    /** Opens the knowledge base in {@code kbDir} (created on the first ingest) with the process environment. */
    public static Knowhow open(Path kbDir) {
        return builder(kbDir).build();
    }

    public static Builder builder(Path kbDir) {
        return new Builder(kbDir);
    }

    /** Options of {@link #open}. */
    public static final class Builder {
        private final Path kbDir;
        private Map<String, String> environment = System.getenv();
        private Consumer<String> notices = message -> {};

        private Builder(Path kbDir) {
            this.kbDir = Objects.requireNonNull(kbDir, "kbDir");
        }

        /** The environment whose {@code KNOWHOW_*} variables override config.yaml (default: the process's). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /** Receives notices worth showing a user, e.g. that a write is waiting for another writer. */
        public Builder notices(Consumer<String> sink) {
            this.notices = Objects.requireNonNull(sink, "sink");
            return this;
        }

        public Knowhow build() {
            return new Knowhow(kbDir, environment, notices);
        }
    }

    public Path directory() {
        return kbDir;
    }

    public KnowhowConfig config() {
        return config;
    }

    /** Whether a store exists yet (something was ingested). */
    public boolean exists() {
        return storeProvider().existing(location()).isPresent();
    }

    // ---- knowledge

    /**
     * Ingests files and folders: unchanged files are skipped, changed ones replaced atomically, files gone
     * from a given folder removed. A file that cannot be read is a failed result, never a thrown error; what was left
     * out (hidden, unread formats, links out of the named paths or in a loop, pipes) is a skipped one. Each file is
     * ingested under its real path, symbolic links resolved, so one reached twice is ingested once.
     */
    public IngestReport ingest(IngestRequest request, IngestListener listener) {
        parser.warmUp();
        List<Path> files = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        List<IngestReport.FileResult> early = new ArrayList<>();
        SourceFiles sourceFiles = new SourceFiles(parser::supports, request.followLinks());
        List<Path> roots = new ArrayList<>();
        for (Path p : request.paths()) {
            try {
                Path real = SourceFiles.realPath(p);
                roots.add(p);
                // synced under its real path, as its files are keyed, so files gone from it are found again
                if (Files.isDirectory(real)) folders.add(real);
            } catch (UnreadableDocumentException e) {
                early.add(new IngestReport.FileResult(IngestPlan.sourceKey(p), IngestReport.Outcome.FAILED, 0, e.getMessage()));
            }
        }
        // expanded together: a link from one named folder into another stays inside the roots, and is followed
        List<SourceFiles.Selection> selections = new ArrayList<>();
        try {
            selections.add(sourceFiles.expand(roots));
        } catch (UnreadableDocumentException unlistable) { // a named folder cannot be listed: find which, keep the others
            for (Path p : roots) {
                try {
                    selections.add(sourceFiles.expand(List.of(p)));
                } catch (UnreadableDocumentException e) {
                    early.add(new IngestReport.FileResult(IngestPlan.sourceKey(p), IngestReport.Outcome.FAILED, 0, e.getMessage()));
                }
            }
        }
        for (SourceFiles.Selection selection : selections) {
            files.addAll(selection.files());
            for (SourceFiles.Skipped s : selection.skipped())
                early.add(new IngestReport.FileResult(IngestPlan.sourceKey(s.path()), IngestReport.Outcome.SKIPPED, 0, s.reason()));
        }
        IngestPlan plan = new IngestPlan(List.copyOf(new LinkedHashSet<>(files)), folders, request.tags(), request.groups(),
                config.longValue(ConfigKeys.INGEST_MAX_FILE_BYTES));
        IngestReport report = withWriter(store -> new Ingestor(parser, chunker(), embedder(), store).ingest(plan, listener));
        if (early.isEmpty()) return report;
        List<IngestReport.FileResult> all = new ArrayList<>(early);
        all.addAll(report.results());
        return new IngestReport(all, report.elapsedMillis());
    }

    /** Answers a question; see {@link #ask(String, AskRequest, Consumer)}. */
    public Answer ask(String question, AskRequest request) {
        return ask(question, request, null);
    }

    /**
     * Answers a question with the request's strategy: the configured generator (an LLM, else extractive)
     * for rag, full-context and prompt-only; the fine-tuned model for tuned and tuned-rag.
     *
     * @param onToken receives the answer's text as it is generated; null for none
     */
    public Answer ask(String question, AskRequest request, Consumer<String> onToken) {
        AskSettings defaults = AskSettings.fromConfig(config);
        AskOptions options = new AskOptions(request.k() != null ? request.k() : defaults.k(),
                request.mode() != null ? request.mode() : defaults.mode(), request.filter(),
                request.strategy() != null ? request.strategy() : defaults.strategy());
        KnowledgeBase kb;
        if (options.strategy().usesTunedModel()) {
            // The tuned model alone needs no documents; with retrieval it needs a knowledge base.
            ReadableKnowledgeStore store = options.strategy().retrieves() || exists() ? reading() : null;
            kb = new KnowledgeBase(embedder(), store, tunedGenerator());
        } else {
            kb = new KnowledgeBase(embedder(), reading(), generator());
        }
        return kb.ask(question, options, onToken);
    }

    /** Retrieval alone: the chunks {@code ask} would see. */
    public List<Hit> search(String query, int k, SearchMode mode, Filter filter) {
        if (k < 1 || k > 1000) throw new IllegalArgumentException("k must be between 1 and 1000, got " + k);
        return new KnowledgeBase(embedder(), reading(), new ExtractiveGenerator()).search(query, k, mode, filter);
    }

    /** The sources {@code reader} may see, by source key. */
    public List<SourceRecord> sources(Reader reader) {
        return reading().sources().stream().filter(s -> reader.mayRead(s.accessGroups())).toList();
    }

    /**
     * The history of additions, updates and removals, oldest first, as far as {@code reader} may know of it: changes
     * to sources it may read now. Removed sources are named to the unrestricted reader only.
     */
    public List<SourceChange> changes(Reader reader) {
        List<SourceChange> all = reading().changes();
        if (reader.seesAll()) return all;
        Map<String, SourceRecord> visible = new java.util.HashMap<>();
        for (SourceRecord s : sources(reader)) visible.put(s.source(), s);
        return all.stream().filter(c -> visible.containsKey(c.source())).toList();
    }

    /** Checks the store's files without changing them (Lucene's CheckIndex and knowhow's own rules). */
    public StoreCheck check() {
        if (!(storeProvider() instanceof StoreMaintenance maintenance))
            throw new IllegalArgumentException("store.kind '" + storeProvider().kind() + "' has no check here: use the store's own tools");
        if (!exists()) throw new IllegalArgumentException("no knowledge base at " + kbDir + " to check");
        return maintenance.check(location());
    }

    /**
     * Copies the knowledge base — the last commit of its store, and its config.yaml — into {@code target}, a new
     * directory that opens as the same knowledge base. Readers keep serving meanwhile. Models named by absolute
     * paths in the config (tuned.model, ...) are not copied.
     */
    public void backup(Path target) {
        if (!(storeProvider() instanceof StoreMaintenance maintenance))
            throw new IllegalArgumentException("store.kind '" + storeProvider().kind() + "' has no backup here: use the store's own tools");
        if (!exists()) throw new IllegalArgumentException("no knowledge base at " + kbDir + " to back up");
        Path dest = target.toAbsolutePath().normalize();
        maintenance.backup(location(), dest, StoreSettings.fromConfig(config).writeWait());
        try {
            if (Files.exists(config.file())) Files.copy(config.file(), dest.resolve(KnowhowConfig.FILE));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the index was backed up into " + dest + " but " + config.file()
                    + " could not be copied: " + e.getMessage(), e);
        }
    }

    /** The chunks of one source, in order; empty when the reader may not see it or it does not exist. */
    public List<Chunk> chunks(String source, Reader reader) {
        return reading().chunks(source).stream().filter(c -> reader.mayRead(c.accessGroups())).toList();
    }

    /**
     * Removes sources and all their chunks. Each name is a path as given to ingest (relative or absolute)
     * or a folder, which removes every source under it.
     */
    public DeleteResult delete(List<String> names) {
        return delete(names, false);
    }

    /**
     * Removes sources like {@link #delete(List)}; with {@code purge}, also rewrites the store so the removed text
     * is in none of its files (for a leaked secret or personal data; costs more than a plain delete).
     */
    public DeleteResult delete(List<String> names, boolean purge) {
        return withWriter(store -> {
            List<String> deleted = new ArrayList<>();
            List<String> unmatched = new ArrayList<>();
            List<String> stored = store.sources().stream().map(SourceRecord::source).toList();
            for (String given : names) {
                String key = IngestPlan.sourceKey(Path.of(given));
                String real = realKey(given); // ingest keys a file by its real path: docs/ may be a link
                List<String> matches = stored.stream()
                        .filter(s -> s.equals(key) || s.equals(given) || s.startsWith(key + File.separator)
                                || s.equals(real) || s.startsWith(real + File.separator)).toList();
                if (matches.isEmpty()) unmatched.add(given);
                for (String s : matches) if (store.deleteSource(s)) deleted.add(s);
            }
            if (purge) store.purgeDeleted();
            return new DeleteResult(deleted, unmatched);
        });
    }

    /** The source key of a path that exists, symbolic links resolved; its plain key when it does not (deleted already). */
    private static String realKey(String given) {
        try {
            return Path.of(given).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return IngestPlan.sourceKey(Path.of(given));
        }
    }

    /**
     * Re-embeds every stored chunk with the configured embedder into a store built beside the current one (when the
     * embedder changed, or the store is in an older format), and swaps it in when complete; until then readers keep using the old store. The chunks come from the
     * store itself, so the source files need not be at hand.
     */
    public ReindexResult reindex(ReindexListener listener) {
        return reindex(listener, false);
    }

    /**
     * As {@link #reindex(ReindexListener)}; with {@code force}, every chunk is re-embedded even when the model is
     * unchanged — after a change of {@code embedder.max-tokens}, whose vectors share the model's space.
     */
    public ReindexResult reindex(ReindexListener listener, boolean force) {
        StoreIdentity old = storeProvider().existing(location()).orElseThrow(() ->
                new IllegalArgumentException("no knowledge base at " + kbDir + " to reindex: run `knowhow ingest PATH` first"));
        StoreIdentity target = StoreIdentity.of(embedder().info());
        // A store written in an older format (e.g. before CJK-aware keyword analysis) is rebuilt too, with the same model.
        if (!force && old.equals(target) && !storeProvider().needsRebuild(location())) return new ReindexResult(0, old.embedderId(), target.embedderId(), false, false);
        closeReading();
        long done = 0;
        boolean copied;
        try (ReadableKnowledgeStore from = storeProvider().openForReading(location(), old);
             StoreProvider.StagedStore staged = storeProvider().buildBeside(location(), target, StoreSettings.fromConfig(config).writeWait())) {
            // Only the store's format is behind: the vectors are the configured model's, so they are copied, not recomputed.
            copied = !force && old.equals(target) && from instanceof VectorSource;
            List<SourceRecord> sources = from.sources();
            listener.started(sources.stream().mapToLong(SourceRecord::chunkCount).sum());
            // Sources go to the new store in batches, one commit each, as ingest writes them.
            List<SourceUpdate> batch = new ArrayList<>();
            int batchChunks = 0;
            for (SourceRecord source : sources) {
                List<EmbeddedChunk> embedded = copied ? ((VectorSource) from).embeddedChunks(source.source()) : reembed(from.chunks(source.source()));
                batch.add(new SourceUpdate(source, embedded));
                batchChunks += embedded.size();
                done += embedded.size();
                if (batch.size() >= Ingestor.BATCH_MAX_FILES || batchChunks >= Ingestor.BATCH_MAX_CHUNKS) {
                    staged.store().replaceSources(batch);
                    batch = new ArrayList<>();
                    batchChunks = 0;
                }
                listener.progressed(done);
            }
            if (!batch.isEmpty()) staged.store().replaceSources(batch);
            from.close();
            staged.swapIn();
        }
        return new ReindexResult(done, old.embedderId(), target.embedderId(), true, copied);
    }

    /**
     * Copies this knowledge base — every source's manifest entry and its chunks with their vectors — into another
     * store ({@code knowhow migrate --to solr://...}, or back with {@code --to lucene}), built beside whatever is
     * at the target and swapped in only when complete. The vectors are copied when the current store can hand
     * them back ({@link VectorSource}); otherwise the stored chunk texts are embedded again with the configured
     * model, which must then be the one the knowledge base was built with. The current store is held for writing
     * meanwhile, so nothing changes under the copy; it is left as it was, and this knowledge base's configuration
     * is not changed (see {@link StoreTarget#configuration()} for the settings that switch it over).
     */
    public MigrateResult migrate(StoreTarget target, ReindexListener listener) {
        StoreIdentity identity = storeProvider().existing(location()).orElseThrow(() ->
                new IllegalArgumentException("no knowledge base at " + kbDir + " to migrate: run `knowhow ingest PATH` first"));
        StoreProvider to = StoreProviders.forKind(target.kind());
        if (to.kind().equals(storeProvider().kind()) && target.location().equals(location()))
            throw new IllegalArgumentException("the knowledge base is already in that store (" + target.kind() + "): give another --to address");
        closeReading();
        long sourcesDone = 0, chunksDone = 0;
        boolean copied;
        Duration wait = StoreSettings.fromConfig(config).writeWait();
        try (KnowledgeStore from = storeProvider().openForWriting(location(), identity, wait);
             StoreProvider.StagedStore staged = to.buildBeside(target.location(), identity, wait)) {
            copied = from instanceof VectorSource;
            if (!copied && !identity.equals(StoreIdentity.of(embedder().info())))
                throw new IncompatibleKnowledgeBaseException("the " + storeProvider().kind() + " store cannot hand back its vectors, and the configured "
                        + "embedder (" + embedder().info().id() + ") is not the one it was built with (" + identity.embedderId()
                        + "), so they cannot be recomputed: set embedder.model back, or run `knowhow reindex` first");
            List<SourceRecord> sources = from.sources();
            listener.started(sources.stream().mapToLong(SourceRecord::chunkCount).sum());
            List<SourceUpdate> batch = new ArrayList<>();
            int batchChunks = 0;
            for (SourceRecord source : sources) {
                List<EmbeddedChunk> chunks = copied ? ((VectorSource) from).embeddedChunks(source.source()) : reembed(from.chunks(source.source()));
                batch.add(new SourceUpdate(source, chunks));
                batchChunks += chunks.size();
                chunksDone += chunks.size();
                sourcesDone++;
                if (batch.size() >= Ingestor.BATCH_MAX_FILES || batchChunks >= Ingestor.BATCH_MAX_CHUNKS) {
                    staged.store().replaceSources(batch);
                    batch = new ArrayList<>();
                    batchChunks = 0;
                }
                listener.progressed(chunksDone);
            }
            if (!batch.isEmpty()) staged.store().replaceSources(batch);
            staged.swapIn();
        }
        return new MigrateResult(to.kind(), sourcesDone, chunksDone, copied);
    }

    private List<EmbeddedChunk> reembed(List<Chunk> stored) {
        List<float[]> vectors = embedder().embedAll(stored.stream().map(Ingestor::embeddingText).toList());
        List<EmbeddedChunk> embedded = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) embedded.add(new EmbeddedChunk(stored.get(i), vectors.get(i)));
        return embedded;
    }

    // ---- behaviour

    /** The label of a text by the classifier from {@code knowhow tune --task classify} (or {@code model}). */
    public Classification classify(String text, Optional<Path> model) {
        Path dir = model.orElseGet(() -> config.get(ConfigKeys.CLASSIFIER_MODEL).map(Path::of).orElseThrow(() ->
                new IllegalArgumentException("no classifier yet: run `knowhow tune --task classify DATA.csv` first, or pass --model DIR")));
        try (Classifier c = Classifier.load(dir)) {
            Prediction p = c.classify(text);
            return new Classification(p.label(), p.probabilities());
        }
    }

    /** Slot values of a text by the extractor from {@code knowhow tune --task extract} (or {@code model}). */
    public Map<String, String> extract(String text, Optional<Path> model) {
        Path dir = model.orElseGet(() -> config.get(ConfigKeys.EXTRACTOR_MODEL).map(Path::of).orElseThrow(() ->
                new IllegalArgumentException("no extractor yet: run `knowhow tune --task extract DATA.json` first, or pass --model DIR")));
        try (Extractor x = Extractor.load(dir)) {
            return x.extract(text);
        }
    }

    // ---- configuration

    /**
     * Sets a configuration key after checking the value against its type and the whole resulting
     * configuration (e.g. an LLM answer size that must fit its window, a store kind that must exist);
     * nothing is written when the check fails.
     *
     * @return the value as stored
     */
    public synchronized String setConfig(String key, String value) {
        String stored = config.set(key, value, this::checkConfig);
        forgetConfiguredParts();
        return stored;
    }

    /** Removes a configuration key; false when it was not set. */
    public synchronized boolean unsetConfig(String key) {
        boolean removed = config.unset(key);
        if (removed) forgetConfiguredParts();
        return removed;
    }

    /** A fine-tuning run whose result this knowledge base will use (see {@link Tuning}). */
    public Tuning tuning() {
        return new Tuning(kbDir, config, values -> {
            Map<String, String> checked = checkConfig(values);
            forgetConfiguredParts();
            return checked;
        });
    }

    /** Throws, naming the key, when a configuration would not work; returns it unchanged otherwise. */
    private Map<String, String> checkConfig(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet())
            ConfigKeys.find(e.getKey()).ifPresent(k -> k.type().check(k.name(), e.getValue()));
        String kind = values.getOrDefault(ConfigKeys.STORE_KIND.name(), ConfigKeys.STORE_KIND.defaultValue());
        StoreProviders.forKind(kind);
        Map<String, String> llm = new java.util.TreeMap<>(values);
        llm.remove(ConfigKeys.LLM_API_KEY_FILE.name());
        // An LLM is set up one key at a time (base URL, then model): check the keys together once both are there.
        boolean complete = llm.containsKey("llm.model") || config.environment().containsKey("KNOWHOW_LLM_MODEL");
        if (complete) LlmSettings.fromEnvironment(config.environment(), llm);
        return values;
    }

    /** Parts built from settings that just changed are rebuilt on next use. */
    private synchronized void forgetConfiguredParts() {
        if (generator != null) generator.close();
        generator = null;
        if (tunedGenerator != null) tunedGenerator.close();
        tunedGenerator = null;
    }

    // ---- parts

    /** The embedding model named by {@code embedder.model}. */
    public synchronized Embedder embedder() {
        if (embedder == null) {
            String model = config.text(ConfigKeys.EMBEDDER_MODEL).strip();
            embedder = switch (model.toLowerCase(Locale.ROOT)) {
                case "all-minilm-l6-v2-q" -> bundledEmbedder(BundledModel.ALL_MINILM_L6_V2_Q);
                case "bge-small-en-v1.5-q", "bge-small-en-v15-q" -> bundledEmbedder(BundledModel.BGE_SMALL_EN_V15_Q);
                default -> {
                    if (!config.origin(ConfigKeys.EMBEDDER_MAX_TOKENS).equals("default"))
                        throw new IllegalArgumentException("embedder.max-tokens applies to the bundled models only; a tuned encoder reads "
                                + "the window it was trained with: `knowhow config unset embedder.max-tokens`");
                    // A directory written by `knowhow tune --task embed`: the retrieval-adapted encoder.
                    if (Files.isDirectory(Path.of(model))) yield TunedEmbedder.load(Path.of(model));
                    throw new IllegalArgumentException("embedder.model '" + model
                            + "' is neither a bundled model (all-minilm-l6-v2-q, bge-small-en-v1.5-q) nor a tuned encoder directory");
                }
            };
        }
        return embedder;
    }

    private OnnxEmbedder bundledEmbedder(BundledModel model) {
        return OnnxEmbedder.bundled(model, config.integer(ConfigKeys.EMBEDDER_MAX_TOKENS));
    }

    /**
     * The chunker's and prompt's token counter: the embedder itself when it can count, else the bundled
     * MiniLM's tokenizer — a tuned encoder is MiniLM underneath and shares its WordPiece vocabulary.
     */
    public synchronized TokenCounter tokenCounter() {
        if (embedder() instanceof TokenCounter counter) return counter;
        if (tokenizerModel == null) tokenizerModel = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
        return tokenizerModel;
    }

    /** The generator of rag, full-context and prompt-only: the configured LLM, else the extractive one. */
    public synchronized Generator generator() {
        if (generator == null) {
            Map<String, String> values = new java.util.TreeMap<>(config.values());
            config.get(ConfigKeys.LLM_API_KEY_FILE).ifPresent(file -> values.put("llm.api-key", readKeyFile(Path.of(file))));
            values.remove(ConfigKeys.LLM_API_KEY_FILE.name());
            generator = LlmSettings.fromEnvironment(config.environment(), values)
                    .<Generator>map(OpenAiCompatibleGenerator::new)
                    .orElse(new ExtractiveGenerator());
        }
        return generator;
    }

    /** The fine-tuned model of strategies tuned and tuned-rag ({@code tuned.model}, {@code tuned.adapter}). */
    public synchronized Generator tunedGenerator() {
        if (tunedGenerator == null) {
            TunedSettings tuned = TunedSettings.fromConfig(config);
            Path model = tuned.model().orElseThrow(() -> new IllegalArgumentException(
                    "no fine-tuned model configured: run `knowhow tune DATA.jsonl --base MODEL_DIR` first,"
                            + " or `knowhow config set tuned.model DIR` (and tuned.adapter DIR for a LoRA adapter)"));
            GenerationOptions options = GenerationOptions.DEFAULTS.withMaxNewTokens(tuned.maxNewTokens())
                    .withDecoding(GenerationOptions.Decoding.parse(tuned.decoding()));
            tunedGenerator = LocalGenerator.open(model, tuned.adapter(), options);
        }
        return tunedGenerator;
    }

    /** Whether the strategy can run here, and if not why (no LLM, no tuned model), for reports. */
    public Optional<String> unavailable(Strategy strategy) {
        if (strategy.usesTunedModel() && TunedSettings.fromConfig(config).model().isEmpty())
            return Optional.of("no fine-tuned model: run `knowhow tune` first");
        if (strategy.retrieves() && !strategy.usesTunedModel() && !exists())
            return Optional.of("no knowledge base yet: run `knowhow ingest` first");
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        closeReading();
        if (generator != null) generator.close();
        if (tunedGenerator != null) tunedGenerator.close();
        if (embedder != null) embedder.close();
        if (tokenizerModel != null) tokenizerModel.close();
    }

    // ---- wiring

    private StoreLocation location() {
        return new StoreLocation(kbDir, config.effectiveValues());
    }

    private synchronized StoreProvider storeProvider() {
        if (storeProvider == null) storeProvider = StoreProviders.forKind(StoreSettings.fromConfig(config).kind());
        return storeProvider;
    }

    private synchronized ReadableKnowledgeStore reading() {
        if (reading == null) {
            try {
                reading = storeProvider().openForReading(location(), StoreIdentity.of(embedder().info()));
            } catch (IncompatibleKnowledgeBaseException mismatch) {
                throw new IncompatibleKnowledgeBaseException(mismatch.getMessage()
                        + "; or run `knowhow reindex` to re-embed it with the configured model", mismatch);
            }
        }
        return reading;
    }

    private synchronized void closeReading() {
        if (reading != null) {
            reading.close();
            reading = null;
        }
    }

    @FunctionalInterface
    private interface WriteWork<T> {
        T apply(KnowledgeStore store);
    }

    /** Runs {@code work} on the store opened for writing, then closes it; the next read sees the writes. */
    private <T> T withWriter(WriteWork<T> work) {
        StoreIdentity identity = StoreIdentity.of(embedder().info());
        KnowledgeStore store;
        Duration wait = StoreSettings.fromConfig(config).writeWait();
        try {
            try {
                store = storeProvider().openForWriting(location(), identity, Duration.ZERO);
            } catch (KnowledgeBaseBusyException busy) {
                if (wait.isZero()) throw busy;
                notices.accept("knowledge base " + kbDir + " is busy: another knowhow process is writing to it; waiting up to "
                        + wait.toSeconds() + " s (store.wait-seconds, or --wait)");
                store = storeProvider().openForWriting(location(), identity, wait);
            }
        } catch (IncompatibleKnowledgeBaseException mismatch) {
            throw new IncompatibleKnowledgeBaseException(mismatch.getMessage()
                    + "; or run `knowhow reindex` to re-embed it with the configured model", mismatch);
        }
        try (KnowledgeStore writer = store) {
            return work.apply(writer);
        }
    }

    private SentenceChunker chunker() {
        return new SentenceChunker(tokenCounter(), ChunkSettings.fromConfig(config).options());
    }

    private static String readKeyFile(Path file) {
        try {
            String key = Files.readString(file).strip();
            if (key.isEmpty()) throw new IllegalArgumentException("llm.api-key-file " + file + " is empty");
            return key;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read llm.api-key-file " + file + ": " + e.getMessage(), e);
        }
    }

    Set<String> unknownConfigKeys() {
        return config.unknownKeys();
    }
}
