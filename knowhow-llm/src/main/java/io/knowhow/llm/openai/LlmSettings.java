package io.knowhow.llm.openai;

import io.knowhow.core.model.Usage;
import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.prompt.PromptBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach and use an OpenAI-compatible chat model: where it is, which model, the key, limits,
 * timeouts, retries and prices. Validated on construction, with messages naming the setting to fix.
 *
 * <p>NOTE: {@link #toString()} shows whether a key is set, never the key.
 *
 * @param baseUrl                  the API root, normalised to end in the version segment: both
 *                                 {@code http://localhost:8080} and {@code http://localhost:8080/v1}
 *                                 become {@code http://localhost:8080/v1}; a root with another path
 *                                 (e.g. {@code .../v1beta/openai}) is kept as given
 * @param model                    the model name the server knows, e.g. {@code gpt-4o-mini}, {@code llama3.1:8b}
 * @param apiKey                   sent as {@code Authorization: Bearer}; null or empty for servers without keys
 * @param connectTimeout           longest wait to open a connection
 * @param readTimeout              longest wait for the response headers, and, when streaming, between two
 *                                 pieces of the stream; never beyond {@code deadline}
 * @param maxRetries               retries after a retriable failure (timeout, reset, 429, 5xx); 0 for none
 * @param initialBackoff           wait before the first retry, doubled for each later one (unless the server
 *                                 says how long with Retry-After)
 * @param maxTokens                most tokens the answer may have; also reserved in the context window
 * @param temperature              sampling temperature in [0, 2]; 0 suits answering from evidence
 * @param contextWindowTokens      the model's context window, prompt and answer together
 * @param promptPricePer1k         price of 1,000 prompt tokens, for the answer's cost; 0 when free or unknown
 * @param completionPricePer1k     price of 1,000 completion tokens
 * @param systemPrompt             opening of the system prompt; null for {@link PromptBuilder#DEFAULT_SYSTEM_PROMPT}
 * @param deadline                 longest time one answer may take from the first request to the last byte,
 *                                 retries and the waits between them included; bounds what a slow or
 *                                 misbehaving server can cost, whatever the timeouts and retries allow
 * @param maxResponseBytes         most bytes read of one response, whole or streamed; reading stops there,
 *                                 so a server cannot make the client hold more
 */
public record LlmSettings(URI baseUrl, String model, String apiKey, Duration connectTimeout, Duration readTimeout,
                          int maxRetries, Duration initialBackoff, int maxTokens, double temperature,
                          int contextWindowTokens, double promptPricePer1k, double completionPricePer1k,
                          String systemPrompt, Duration deadline, long maxResponseBytes) {
    public static final int DEFAULT_CONTEXT_WINDOW = 8192;
    public static final int DEFAULT_MAX_TOKENS = 512;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Local models on a CPU can take minutes to read a long prompt before the first token. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /**
     * Equal to the read timeout: a model that takes that long to begin still gets its one try, and
     * retries only fit when failures come fast (before this bound, 4 tries of 120 s could take 8 min).
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);
    /**
     * 8 MiB: a streamed token costs ~150–300 bytes of event framing, so this holds some 30,000 streamed
     * tokens, far above the default {@link #DEFAULT_MAX_TOKENS}, while a runaway server is stopped early.
     */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L << 20;
    /** Smallest response cap accepted: an error body or a short answer must fit. */
    public static final long MIN_RESPONSE_BYTES = 1024;
    /** Largest response cap accepted: a body is held in one array, and Jackson reads strings up to it. */
    public static final long MAX_RESPONSE_BYTES = 1L << 30;

    /** Environment variables override config keys; this prefix plus the key upper-cased, '.' and '-' as '_'. */
    public static final String ENV_PREFIX = "KNOWHOW_";

    /** The flat configuration keys {@link #fromEnvironment} reads, with what each sets. */
    public static final Map<String, String> CONFIG_KEYS = keys();

    public LlmSettings {
        baseUrl = normaliseBaseUrl(Objects.requireNonNull(baseUrl, "baseUrl (llm.base-url)").toString());
        if (model == null || model.isBlank())
            throw new IllegalArgumentException("No model is set: set llm.model (or " + envVar("llm.model") + ") to a model the server at " + baseUrl + " serves");
        model = model.strip();
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (apiKey != null && apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e))
            throw new IllegalArgumentException("The API key (llm.api-key) contains spaces or control characters: copy it again");
        requirePositive(connectTimeout, "the connect timeout");
        requirePositive(readTimeout, "the read timeout (llm.timeout-seconds)");
        requirePositive(initialBackoff, "the initial retry backoff");
        if (maxRetries < 0 || maxRetries > 10)
            throw new IllegalArgumentException("llm.max-retries must be between 0 and 10, got " + maxRetries);
        if (maxTokens < 1) throw new IllegalArgumentException("llm.max-tokens must be at least 1, got " + maxTokens);
        if (!(temperature >= 0 && temperature <= 2))
            throw new IllegalArgumentException("llm.temperature must be between 0 and 2, got " + temperature);
        if (contextWindowTokens < 256)
            throw new IllegalArgumentException("llm.context-window must be at least 256 tokens, got " + contextWindowTokens);
        if (maxTokens >= contextWindowTokens)
            throw new IllegalArgumentException("llm.max-tokens (" + maxTokens + ") must be smaller than llm.context-window ("
                    + contextWindowTokens + "): the answer's tokens are reserved inside the window");
        if (!(promptPricePer1k >= 0 && Double.isFinite(promptPricePer1k)))
            throw new IllegalArgumentException("llm.price.prompt-per-1k must be a non-negative number, got " + promptPricePer1k);
        if (!(completionPricePer1k >= 0 && Double.isFinite(completionPricePer1k)))
            throw new IllegalArgumentException("llm.price.completion-per-1k must be a non-negative number, got " + completionPricePer1k);
        systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt.strip();
        requirePositive(deadline, "the deadline per answer (llm.deadline-seconds)");
        if (maxResponseBytes < MIN_RESPONSE_BYTES || maxResponseBytes > MAX_RESPONSE_BYTES)
            throw new IllegalArgumentException("llm.max-response-bytes must be between " + MIN_RESPONSE_BYTES + " and "
                    + MAX_RESPONSE_BYTES + ", got " + maxResponseBytes);
    }

    /** Settings with every default, for the model {@code model} at {@code baseUrl}. */
    public static Builder builder(String baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /** The chat-completions endpoint: {@code baseUrl + "/chat/completions"}. */
    public URI chatCompletionsUrl() {
        return URI.create(baseUrl + "/chat/completions");
    }

    /** What {@code usage} costs at the configured prices. */
    public double cost(Usage usage) {
        return usage.promptTokens() / 1000.0 * promptPricePer1k + usage.completionTokens() / 1000.0 * completionPricePer1k;
    }

    /** A prompt builder for this model's window, answer reservation and system prompt. */
    public PromptBuilder promptBuilder(TokenCounter tokens) {
        return new PromptBuilder(new PromptBuilder.Options(systemPrompt, contextWindowTokens, maxTokens), tokens);
    }

    @Override
    public String toString() {
        return "LlmSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "set")
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxRetries=" + maxRetries
                + ", maxTokens=" + maxTokens + ", temperature=" + temperature + ", contextWindowTokens=" + contextWindowTokens
                + ", promptPricePer1k=" + promptPricePer1k + ", completionPricePer1k=" + completionPricePer1k
                + ", systemPrompt=" + (systemPrompt == null ? "default" : "custom") + ", deadline=" + deadline
                + ", maxResponseBytes=" + maxResponseBytes + "]";
    }

    /**
     * Settings from a flat configuration map (keys in {@link #CONFIG_KEYS}, e.g. {@code llm.base-url})
     * with environment variables overriding it ({@code KNOWHOW_LLM_BASE_URL}, {@code KNOWHOW_LLM_MODEL},
     * {@code KNOWHOW_LLM_API_KEY}, ... : {@link #ENV_PREFIX} plus the key upper-cased, {@code .} and
     * {@code -} as {@code _}). Keys outside {@code llm.} are ignored; an unknown {@code llm.} key is an
     * error, so a typo does not silently fall back to a default.
     *
     * @return empty when no base URL is set anywhere: no LLM is configured, use the extractive generator
     * @throws IllegalArgumentException naming the key (or variable) whose value is wrong
     */
    public static Optional<LlmSettings> fromEnvironment(Map<String, String> env, Map<String, String> config) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(config, "config");
        for (String key : config.keySet()) {
            if (key.startsWith("llm.") && !CONFIG_KEYS.containsKey(key))
                throw new IllegalArgumentException("Unknown configuration key '" + key + "': known llm keys are " + String.join(", ", CONFIG_KEYS.keySet()));
        }
        Lookup in = new Lookup(env, config);
        Optional<String> baseUrl = in.text("llm.base-url");
        if (baseUrl.isEmpty()) return Optional.empty();
        String model = in.text("llm.model").orElseThrow(() -> new IllegalArgumentException(
                "An LLM base URL is set (" + baseUrl.get() + ") but no model: set llm.model or " + envVar("llm.model")));
        Builder b = builder(baseUrl.get(), model);
        in.text("llm.api-key").ifPresent(b::apiKey);
        in.integer("llm.context-window").ifPresent(b::contextWindowTokens);
        in.integer("llm.max-tokens").ifPresent(b::maxTokens);
        in.decimal("llm.temperature").ifPresent(b::temperature);
        in.decimal("llm.price.prompt-per-1k").ifPresent(b::promptPricePer1k);
        in.decimal("llm.price.completion-per-1k").ifPresent(b::completionPricePer1k);
        in.decimal("llm.timeout-seconds").ifPresent(s -> b.readTimeout(seconds(s, "llm.timeout-seconds")));
        in.decimal("llm.connect-timeout-seconds").ifPresent(s -> b.connectTimeout(seconds(s, "llm.connect-timeout-seconds")));
        in.integer("llm.max-retries").ifPresent(b::maxRetries);
        in.text("llm.system-prompt").ifPresent(b::systemPrompt);
        in.decimal("llm.deadline-seconds").ifPresent(s -> b.deadline(seconds(s, "llm.deadline-seconds")));
        in.longInteger("llm.max-response-bytes").ifPresent(b::maxResponseBytes);
        return Optional.of(b.build());
    }

    /** The environment variable that overrides a config key. */
    public static String envVar(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Accepts the root with or without {@code /v1}, with or without a trailing slash, and even the full
     * {@code /chat/completions} URL people copy from provider docs; returns it without trailing slash.
     */
    static URI normaliseBaseUrl(String raw) {
        String s = raw.strip();
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("llm.base-url '" + s + "' is not a URL: " + e.getReason() + " (expected e.g. http://localhost:8080/v1)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null)
            throw new IllegalArgumentException("llm.base-url '" + s + "' must be an http:// or https:// URL with a host, e.g. http://localhost:8080/v1");
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null)
            throw new IllegalArgumentException("llm.base-url '" + s + "' must not carry a query, fragment or user info: put the key in llm.api-key");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (path.endsWith("/chat/completions")) path = path.substring(0, path.length() - "/chat/completions".length());
        if (path.isEmpty()) path = "/v1";
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
    }

    private static Duration seconds(double s, String key) {
        if (!(s > 0 && s <= 86_400)) throw new IllegalArgumentException(key + " must be between 0 and 86400 seconds, got " + s);
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("llm.base-url", "the OpenAI-compatible API root, an http(s) URL, e.g. http://localhost:11434/v1; unset means no LLM (extractive answers)");
        k.put("llm.model", "the model name the server serves (text; required with llm.base-url)");
        k.put("llm.api-key", "API key, sent as a Bearer token (text; prefer the environment variable " + envVar("llm.api-key") + ")");
        k.put("llm.context-window", "the model's context window in tokens (whole number, at least 256; default " + DEFAULT_CONTEXT_WINDOW + ")");
        k.put("llm.max-tokens", "most tokens per answer, reserved in the window (whole number, 1 to below llm.context-window; default " + DEFAULT_MAX_TOKENS + ")");
        k.put("llm.temperature", "sampling temperature (number, 0 to 2; default 0)");
        k.put("llm.price.prompt-per-1k", "price of 1,000 prompt tokens (number, at least 0; default 0)");
        k.put("llm.price.completion-per-1k", "price of 1,000 completion tokens (number, at least 0; default 0)");
        k.put("llm.timeout-seconds", "longest wait for the answer to start, and between streamed pieces (seconds, above 0 up to 86400; default " + DEFAULT_READ_TIMEOUT.toSeconds() + ")");
        k.put("llm.connect-timeout-seconds", "longest wait to connect (seconds, above 0 up to 86400; default " + DEFAULT_CONNECT_TIMEOUT.toSeconds() + ")");
        k.put("llm.max-retries", "retries after timeouts, resets, 429 and 5xx (whole number, 0 to 10; default " + DEFAULT_MAX_RETRIES + ")");
        k.put("llm.deadline-seconds", "longest time for one answer, all retries and waits included; then it fails (seconds, above 0 up to 86400; default " + DEFAULT_DEADLINE.toSeconds() + ")");
        k.put("llm.max-response-bytes", "most bytes read of one response, whole or streamed, before it fails (whole number, " + MIN_RESPONSE_BYTES + " to " + MAX_RESPONSE_BYTES + "; default " + DEFAULT_MAX_RESPONSE_BYTES + " = 8 MiB)");
        k.put("llm.system-prompt", "opening of the system prompt; the evidence rules are always appended (text)");
        return Collections.unmodifiableMap(k);
    }

    /** Reads a key from the environment first, then the config map; blank values count as unset. */
    private record Lookup(Map<String, String> env, Map<String, String> config) {
        Optional<String> text(String key) {
            String v = env.get(envVar(key));
            if (v == null || v.isBlank()) v = config.get(key);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
        }

        private String where(String key) {
            String v = env.get(envVar(key));
            return v == null || v.isBlank() ? key : envVar(key);
        }

        Optional<Integer> integer(String key) {
            return text(key).map(v -> {
                try {
                    return Integer.parseInt(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where(key) + " must be a whole number, got '" + v + "'");
                }
            });
        }

        Optional<Long> longInteger(String key) {
            return text(key).map(v -> {
                try {
                    return Long.parseLong(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where(key) + " must be a whole number, got '" + v + "'");
                }
            });
        }

        Optional<Double> decimal(String key) {
            return text(key).map(v -> {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where(key) + " must be a number, got '" + v + "'");
                }
            });
        }
    }

    /** Collects settings one by one; {@link #build()} validates them together. */
    public static final class Builder {
        private final String baseUrl;
        private final String model;
        private String apiKey;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private double temperature = 0.0;
        private int contextWindowTokens = DEFAULT_CONTEXT_WINDOW;
        private double promptPricePer1k;
        private double completionPricePer1k;
        private String systemPrompt;
        private Duration deadline = DEFAULT_DEADLINE;
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

        private Builder(String baseUrl, String model) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            this.model = model;
        }

        public Builder apiKey(String v) { apiKey = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder initialBackoff(Duration v) { initialBackoff = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder contextWindowTokens(int v) { contextWindowTokens = v; return this; }
        public Builder promptPricePer1k(double v) { promptPricePer1k = v; return this; }
        public Builder completionPricePer1k(double v) { completionPricePer1k = v; return this; }
        public Builder systemPrompt(String v) { systemPrompt = v; return this; }
        public Builder deadline(Duration v) { deadline = v; return this; }
        public Builder maxResponseBytes(long v) { maxResponseBytes = v; return this; }

        public LlmSettings build() {
            return new LlmSettings(normaliseBaseUrl(baseUrl), model, apiKey, connectTimeout, readTimeout, maxRetries,
                    initialBackoff, maxTokens, temperature, contextWindowTokens, promptPricePer1k, completionPricePer1k,
                    systemPrompt, deadline, maxResponseBytes);
        }
    }
}
