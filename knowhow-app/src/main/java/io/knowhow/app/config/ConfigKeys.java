package io.knowhow.app.config;

import io.knowhow.app.config.ValueType.Choice;
import io.knowhow.app.config.ValueType.Decimal;
import io.knowhow.app.config.ValueType.Directory;
import io.knowhow.app.config.ValueType.Secret;
import io.knowhow.app.config.ValueType.Text;
import io.knowhow.app.config.ValueType.Url;
import io.knowhow.app.config.ValueType.Whole;
import io.knowhow.llm.openai.LlmSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key knowhow reads, with its type, default and meaning: the one registry behind
 * {@code knowhow config keys}, the validation of {@code knowhow config set}, and docs/configuration.md
 * (generated from it by {@link #markdown()}).
 */
public final class ConfigKeys {
    private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();

    // ---- store
    public static final ConfigKey STORE_KIND = key("store.kind", new Text(), "lucene",
            "where chunks live: lucene (embedded, in KB/index) or another registered store such as solr");
    public static final ConfigKey STORE_WAIT_SECONDS = key("store.wait-seconds", new Whole(0, 86_400), "30",
            "how long a write (ingest, delete, reindex) waits for another writer of the same knowledge base before failing as busy; readers never wait");

    public static final ConfigKey STORE_VECTOR_FORMAT = key("store.vector-format",
            new Choice(List.of("float32", "int8", "int7", "int4", "binary")), "float32",
            "how the embedded store keeps vectors for its HNSW graph (quantized formats rescore with the float vectors); new segments use it");
    public static final ConfigKey STORE_DENSE_CANDIDATES = key("store.dense-candidates", new Whole(1, 10_000), "200",
            "neighbours the embedded store collects from its graph before it keeps the best; more is slower and finds more"
                    + " (at 100k chunks of real text: 100 → hybrid 0.7 ms, 200 → 1.0 ms, same recall; on hard clustered vectors"
                    + " 200 finds 2–3 points more, docs/benchmarks.md)");
    public static final ConfigKey STORE_READER_CHECK_MS = key("store.reader-check-ms", new Whole(0, 3_600_000), "0",
            "how often a reader looks for a newer commit of another process, in milliseconds; 0 checks before every read (one stat)");

    // ---- SolrCloud (store.kind solr; read by the store's SolrSettings, typed here so `config set` can check them)
    public static final ConfigKey SOLR_ZK_HOSTS = key("solr.zk-hosts", new Text(), null,
            "ZooKeeper addresses of the SolrCloud cluster with its chroot, e.g. zk1:2181,zk2:2181/solr (a dev cluster from `bin/solr start -c`: localhost:9983); or set solr.urls");
    public static final ConfigKey SOLR_URLS = key("solr.urls", new Text(), null,
            "comma-separated Solr base URLs (http://solr1:8983/solr,...), used when solr.zk-hosts is not set");
    public static final ConfigKey SOLR_COLLECTION = key("solr.collection", new Text(), null,
            "the knowledge base's name in the cluster: an alias knowhow points at its collection NAME_N; default: made from the knowledge-base directory's name; set it when several machines share one knowledge base");
    public static final ConfigKey SOLR_SHARDS = key("solr.shards", new Whole(1, 4096), "1",
            "shards of a collection knowhow creates (docs/scaling.md: about 10-20 million chunks per shard)");
    public static final ConfigKey SOLR_REPLICAS = key("solr.replicas", new Whole(1, 64), "1",
            "replicas of each shard of a collection knowhow creates; 2 or more keep search and ingest going when a node is lost");

    // ---- embedding and chunking
    public static final ConfigKey EMBEDDER_MODEL = key("embedder.model", new Text(), "all-minilm-l6-v2-q",
            "all-minilm-l6-v2-q, bge-small-en-v1.5-q, or a directory from `knowhow tune --task embed`; change it, then run `knowhow reindex`");
    public static final ConfigKey EMBEDDER_MAX_TOKENS = key("embedder.max-tokens", new Whole(14, 8192),
            String.valueOf(io.knowhow.core.chunk.ChunkingOptions.DEFAULT_VECTOR_TOKENS),
            "tokens of each chunk a bundled model reads into its vector (at most its limit: 254 for all-minilm-l6-v2-q, 510 for bge-small-en-v1.5-q); the whole chunk is found by BM25 (docs/adr/0009-embedding-window.md); a change applies to what is embedded from then on, `knowhow reindex --force` re-embeds the rest");
    public static final ConfigKey CHUNK_MAX_TOKENS = key("chunk.max-tokens", new Whole(16, 8192),
            String.valueOf(io.knowhow.core.chunk.ChunkingOptions.DEFAULT.maxTokens()),
            "chunk size in embedding-model tokens: what BM25, answers and citations see; a chunk longer than embedder.max-tokens gets the vector of its beginning");
    public static final ConfigKey CHUNK_OVERLAP_TOKENS = key("chunk.overlap-tokens", new Whole(0, 4096),
            String.valueOf(io.knowhow.core.chunk.ChunkingOptions.DEFAULT.overlapTokens()),
            "tokens of whole sentences repeated between neighbouring chunks (at most half a chunk)");

    // ---- ingesting
    public static final ConfigKey INGEST_MAX_FILE_BYTES = key("ingest.max-file-bytes", new Whole(1, Long.MAX_VALUE),
            String.valueOf(io.knowhow.core.ingest.IngestPlan.DEFAULT_MAX_FILE_BYTES),
            "files larger than this many bytes are refused by name before they are read (the others are ingested)");
    public static final ConfigKey INGEST_MAX_CHARS = key(io.knowhow.ingest.ParseLimits.MAX_CHARS_KEY, new Whole(1, Long.MAX_VALUE),
            String.valueOf(io.knowhow.ingest.ParseLimits.DEFAULT_MAX_CHARS),
            "a file holding more characters of text than this is refused by name, counted as the text is read (about 2 bytes of heap each)");
    public static final ConfigKey INGEST_MAX_COMPRESSION_RATIO = key(io.knowhow.ingest.ParseLimits.MAX_COMPRESSION_RATIO_KEY,
            new Whole(1, 1_000_000), String.valueOf(io.knowhow.ingest.ParseLimits.DEFAULT_MAX_COMPRESSION_RATIO),
            "a .docx/.xlsx/.pptx/.odt/.epub part that unpacks to more than this many times its stored size is refused as a zip bomb");
    public static final ConfigKey INGEST_MAX_UNZIPPED_BYTES = key(io.knowhow.ingest.ParseLimits.MAX_UNZIPPED_BYTES_KEY,
            new Whole(1, Long.MAX_VALUE), String.valueOf(io.knowhow.ingest.ParseLimits.DEFAULT_MAX_UNZIPPED_BYTES),
            "a .docx/.xlsx/.pptx/.odt/.epub whose parts unpack to more than this many bytes together is refused before it is parsed");

    // ---- asking
    public static final ConfigKey ASK_K = key("ask.k", new Whole(1, 1000), "5", "evidence chunks retrieved per question");
    public static final ConfigKey ASK_MODE = key("ask.mode", new Choice(List.of("hybrid", "bm25", "dense")), "hybrid",
            "how chunks are retrieved: hybrid (BM25 and vectors fused), bm25 or dense");
    public static final ConfigKey ASK_STRATEGY = key("ask.strategy",
            new Choice(List.of("rag", "full-context", "prompt-only", "tuned", "tuned-rag")), "rag",
            "where the answer's context comes from: retrieved chunks (rag), the whole corpus, nothing, or the fine-tuned model alone / with retrieval");

    // ---- fine-tuned models
    public static final ConfigKey TUNED_MODEL = key("tuned.model", new Directory(), null,
            "model directory used by --strategy tuned and tuned-rag (set by `knowhow tune`)");
    public static final ConfigKey TUNED_ADAPTER = key("tuned.adapter", new Directory(), null,
            "LoRA adapter directory applied to tuned.model (set by `knowhow tune`)");
    public static final ConfigKey TUNED_DECODING = key("tuned.decoding", new Choice(List.of("f32", "q8", "libtorch")), "f32",
            "how the tuned model decodes: f32 (Java, exact), q8 (Java, 8-bit weights, faster) or libtorch");
    public static final ConfigKey TUNED_MAX_NEW_TOKENS = key("tuned.max-new-tokens", new Whole(1, 32_768), "256",
            "most tokens the local model generates per answer");
    public static final ConfigKey CLASSIFIER_MODEL = key("classifier.model", new Directory(), null,
            "classifier directory used by `knowhow classify` (set by `knowhow tune --task classify`)");
    public static final ConfigKey EXTRACTOR_MODEL = key("extractor.model", new Directory(), null,
            "extractor directory used by `knowhow extract` (set by `knowhow tune --task extract`)");

    // ---- knowhow serve (the HTTP server; see docs/security.md)
    public static final ConfigKey SERVER_HOST = key("server.host", new Text(), "127.0.0.1",
            "address `knowhow serve` listens on; an address other than loopback needs at least one API key (`knowhow keys create`)");
    public static final ConfigKey SERVER_PORT = key("server.port", new Whole(0, 65_535), "8080",
            "port `knowhow serve` listens on (0 picks a free one)");
    public static final ConfigKey SERVER_MAX_BODY_BYTES = key("server.max-body-bytes", new Whole(1024, 64L << 20), "1048576",
            "largest JSON request body the server reads; larger ones get 413");
    public static final ConfigKey SERVER_MAX_UPLOAD_BYTES = key("server.max-upload-bytes", new Whole(1024, Long.MAX_VALUE), "104857600",
            "largest upload request (all its files together); larger ones get 413 and nothing of them is kept");
    public static final ConfigKey SERVER_RATE_LIMIT = key("server.rate-limit-per-minute", new Whole(0, 10_000_000), "600",
            "requests a minute one API key (or one address without a key) may make, in bursts up to the same number; more get 429 with Retry-After; 0 turns the limit off");
    public static final ConfigKey SERVER_REQUEST_TIMEOUT = key("server.request-timeout-seconds", new Whole(1, 86_400), "120",
            "longest an ask, search or chat completion may take before the server answers 504 (streamed answers are bounded by llm.deadline-seconds)");
    public static final ConfigKey SERVER_MAX_QUEUED_JOBS = key("server.max-queued-jobs", new Whole(1, 10_000), "16",
            "most ingest jobs waiting at once; more get 503 with Retry-After");
    public static final ConfigKey SERVER_SHUTDOWN_SECONDS = key("server.shutdown-seconds", new Whole(0, 3600), "30",
            "on SIGTERM or Ctrl-C, how long requests in flight and the running ingest job get to finish before they are stopped");
    public static final ConfigKey SERVER_LOG_QUESTIONS = key("server.log-questions", new Choice(List.of("false", "true")), "false",
            "whether the JSON request log carries the question text (off by default: questions may hold personal data)");

    // ---- an OpenAI-compatible LLM (read by LlmSettings; typed here so `config set` can check them)
    static {
        Map<String, ValueType> llmTypes = new LinkedHashMap<>();
        llmTypes.put("llm.base-url", new Url());
        llmTypes.put("llm.api-key", new Secret());
        llmTypes.put("llm.context-window", new Whole(256, 100_000_000));
        llmTypes.put("llm.max-tokens", new Whole(1, 10_000_000));
        llmTypes.put("llm.temperature", new Decimal(0, 2));
        llmTypes.put("llm.price.prompt-per-1k", new Decimal(0, Double.MAX_VALUE));
        llmTypes.put("llm.price.completion-per-1k", new Decimal(0, Double.MAX_VALUE));
        llmTypes.put("llm.timeout-seconds", new Decimal(0.001, 86_400));
        llmTypes.put("llm.connect-timeout-seconds", new Decimal(0.001, 86_400));
        llmTypes.put("llm.max-retries", new Whole(0, 10));
        llmTypes.put("llm.deadline-seconds", new Decimal(0.001, 86_400));
        llmTypes.put("llm.max-response-bytes", new Whole(1024, 1L << 30));
        for (Map.Entry<String, String> e : LlmSettings.CONFIG_KEYS.entrySet())
            key(e.getKey(), llmTypes.getOrDefault(e.getKey(), new Text()), null, e.getValue());
    }

    public static final ConfigKey LLM_API_KEY_FILE = key("llm.api-key-file", new ValueType.File(), null,
            "a file holding the LLM API key (keeps the key out of config.yaml and the shell history; KNOWHOW_LLM_API_KEY also works)");

    // ---- decide with evidence: `knowhow advise` and `knowhow eval compare`. Defaults are the reference's 2026 estimates
    //      where it gives one (fine-tuning, embedding, vector store, retrieval) and knowhow's stated assumptions where not.
    public static final ConfigKey COST_HORIZON_MONTHS = key("cost.horizon-months", new Whole(1, 120), "12",
            "months over which advise adds up the total cost of ownership");
    public static final ConfigKey COST_QUERIES_PER_MONTH = key("cost.queries-per-month", new Whole(0, 1_000_000_000_000L), "10000",
            "questions a month the cost model prices (advise --queries-per-month overrides it); an assumption, set your own");
    public static final ConfigKey COST_FINE_TUNE_RUN_LOW = key("cost.fine-tune-run.low", new Decimal(0, Double.MAX_VALUE), "10",
            "USD of training compute for one fine-tuning run, low end (reference: a 7B model costs $10-100 on cloud GPUs)");
    public static final ConfigKey COST_FINE_TUNE_RUN_HIGH = key("cost.fine-tune-run.high", new Decimal(0, Double.MAX_VALUE), "100",
            "USD of training compute for one fine-tuning run, high end");
    public static final ConfigKey COST_LABELLED_PAIRS_LOW = key("cost.labelled-pairs.low", new Whole(0, 1_000_000_000L), "1000",
            "labelled input-output pairs a fine-tune needs, low end (reference: 1,000-10,000); advise --pairs FILE replaces it with the file's count");
    public static final ConfigKey COST_LABELLED_PAIRS_HIGH = key("cost.labelled-pairs.high", new Whole(0, 1_000_000_000L), "10000",
            "labelled input-output pairs a fine-tune needs, high end");
    public static final ConfigKey COST_LABELLED_PAIR_PRICE_LOW = key("cost.labelled-pair-price.low", new Decimal(0, Double.MAX_VALUE), "0.10",
            "USD to write or review one labelled pair, low end (an assumption: the reference prices no labelling)");
    public static final ConfigKey COST_LABELLED_PAIR_PRICE_HIGH = key("cost.labelled-pair-price.high", new Decimal(0, Double.MAX_VALUE), "1.00",
            "USD to write or review one labelled pair, high end (an assumption)");
    public static final ConfigKey COST_EMBEDDING_PER_MILLION_LOW = key("cost.embedding-per-million.low", new Decimal(0, Double.MAX_VALUE), "0.01",
            "USD to embed a million tokens, low end (reference: ~$0.01-0.10); replaced by this machine's measured throughput times cost.cpu-hour when advise can measure it");
    public static final ConfigKey COST_EMBEDDING_PER_MILLION_HIGH = key("cost.embedding-per-million.high", new Decimal(0, Double.MAX_VALUE), "0.10",
            "USD to embed a million tokens, high end");
    public static final ConfigKey COST_VECTOR_DB_PER_MONTH_LOW = key("cost.vector-db-per-month.low", new Decimal(0, Double.MAX_VALUE), "50",
            "USD a month for a managed vector database, low end (reference: $50-300 at moderate scale; knowhow's embedded Lucene store has no fee: set both ends to 0)");
    public static final ConfigKey COST_VECTOR_DB_PER_MONTH_HIGH = key("cost.vector-db-per-month.high", new Decimal(0, Double.MAX_VALUE), "300",
            "USD a month for a managed vector database, high end");
    public static final ConfigKey COST_RETRIEVAL_MS_LOW = key("cost.retrieval-ms.low", new Decimal(0, 3_600_000), "50",
            "retrieval overhead per query in ms, low end (reference: 50-200 ms); replaced by the knowledge base's measured latency when advise can measure it");
    public static final ConfigKey COST_RETRIEVAL_MS_HIGH = key("cost.retrieval-ms.high", new Decimal(0, 3_600_000), "200",
            "retrieval overhead per query in ms, high end");
    public static final ConfigKey COST_PROMPT_PER_MILLION_LOW = key("cost.prompt-per-million.low", new Decimal(0, Double.MAX_VALUE), "0.15",
            "USD per million prompt tokens of the answering LLM, low end (an assumption; llm.price.prompt-per-1k replaces both ends when set)");
    public static final ConfigKey COST_PROMPT_PER_MILLION_HIGH = key("cost.prompt-per-million.high", new Decimal(0, Double.MAX_VALUE), "3.00",
            "USD per million prompt tokens of the answering LLM, high end (an assumption)");
    public static final ConfigKey COST_CPU_HOUR = key("cost.cpu-hour", new Decimal(0, Double.MAX_VALUE), "0.05",
            "USD per CPU core-hour of this machine: turns measured embedding throughput and retrieval time into money (an assumption)");
    public static final ConfigKey EVAL_BASELINE_WRONG_BELOW = key("eval.baseline-wrong-below", new Decimal(0, 1), "0.5",
            "advise --qa: the prompt-only accuracy below which the baseline counts as wrong for your domain (step 4)");

    private ConfigKeys() {}

    private static ConfigKey key(String name, ValueType type, String defaultValue, String description) {
        ConfigKey k = new ConfigKey(name, type, defaultValue, description);
        if (KEYS.putIfAbsent(name, k) != null) throw new IllegalStateException("config key " + name + " is defined twice");
        return k;
    }

    /** Every key, in the order they are documented. */
    public static List<ConfigKey> all() {
        return Collections.unmodifiableList(new ArrayList<>(KEYS.values()));
    }

    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** The key named {@code name}, or an error listing the close and the known ones. */
    public static ConfigKey require(String name) {
        ConfigKey k = KEYS.get(name);
        if (k != null) return k;
        String prefix = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : name;
        List<String> near = KEYS.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
        throw new IllegalArgumentException("unknown config key '" + name + "'; "
                + (near.isEmpty() ? "known keys: " + String.join(", ", KEYS.keySet()) : "did you mean one of " + String.join(", ", near))
                + " (see `knowhow config keys`)");
    }

    /** docs/configuration.md: every key with its type, default, environment variable and meaning. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration\n\n")
                .append("<!-- Generated from io.knowhow.app.config.ConfigKeys by `knowhow config keys --markdown`; do not edit by hand. -->\n\n")
                .append("Each knowledge base has a `config.yaml` of flat dotted keys. Set them with `knowhow config set KEY VALUE`\n")
                .append("(values are checked against the type below), remove them with `knowhow config unset KEY`, list them with\n")
                .append("`knowhow config`. An environment variable overrides the file: `KNOWHOW_` plus the key upper-cased,\n")
                .append("with `.` and `-` as `_` (e.g. `KNOWHOW_LLM_BASE_URL`). Secrets are never printed; `config.yaml` is\n")
                .append("written readable by its owner only.\n\n")
                .append("| key | type | default | environment | meaning |\n|---|---|---|---|---|\n");
        for (ConfigKey k : KEYS.values()) {
            sb.append("| `").append(k.name()).append("` | ").append(k.type().describe()).append(" | ")
                    .append(k.defaultValue() == null ? "—" : "`" + k.defaultValue() + "`").append(" | `")
                    .append(k.environmentVariable()).append("` | ").append(k.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
