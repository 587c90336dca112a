package io.knowhow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

import io.knowhow.llm.openai.LlmSettings;

/**
 * The knowledge base's {@code config.yaml}: a flat map of dotted keys ({@code llm.base-url: ...}).
 *
 * <p>Flat on purpose: {@code knowhow config set KEY VALUE} edits one line a user can read, and every
 * key is documented in docs/configuration.md. Writes go to a temporary file renamed over the old one,
 * so a crash never leaves half a config.
 */
final class KbConfig {
    static final String FILE = "config.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Keys a user may set, with what they mean; anything else is refused to catch typos. */
    static final Map<String, String> KNOWN = new TreeMap<>(Map.ofEntries(
            Map.entry("embedder.model", "all-minilm-l6-v2-q (default), bge-small-en-v1.5-q, or a directory from `knowhow tune --task embed`; change it, then run `knowhow reindex`"),
            Map.entry("chunk.max-tokens", "chunk size in embedding-model tokens (default 200)"),
            Map.entry("chunk.overlap-tokens", "tokens of whole sentences repeated between chunks (default 40)"),
            Map.entry("ask.k", "evidence chunks per question (default 5)"),
            Map.entry("ask.mode", "hybrid (default), bm25 or dense"),
            Map.entry("ask.strategy", "rag (default), full-context, prompt-only, tuned or hybrid"),
            Map.entry("tuned.model", "model directory used by --strategy tuned|tuned-rag (set by `knowhow tune`)"),
            Map.entry("tuned.adapter", "LoRA adapter directory applied to tuned.model (set by `knowhow tune`)"),
            Map.entry("tuned.decoding", "how the tuned model decodes: f32 (default; Java, exact), q8 (Java, 8-bit weights, faster) or libtorch"),
            Map.entry("classifier.model", "classifier directory used by `knowhow classify` (set by `knowhow tune --task classify`)"),
            Map.entry("extractor.model", "extractor directory used by `knowhow extract` (set by `knowhow tune --task extract`)"),
            Map.entry("tuned.max-new-tokens", "most tokens the local model generates (default 256)")));

    static {
        KNOWN.putAll(LlmSettings.CONFIG_KEYS);
    }

    private final Path file;
    private final Map<String, String> values;

    private KbConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    static KbConfig load(Path kbDir) {
        Path file = kbDir.resolve(FILE);
        Map<String, String> values = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                Map<?, ?> raw = YAML.readValue(file.toFile(), Map.class);
                if (raw != null) raw.forEach((k, v) -> values.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + "); fix or delete it");
            }
        }
        return new KbConfig(file, values);
    }

    Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    int getInt(String key, int fallback) {
        String v = values.get(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + key + " must be a whole number, found '" + v + "'");
        }
    }

    void set(String key, String value) {
        if (!KNOWN.containsKey(key)) throw new IllegalArgumentException("unknown config key '" + key + "'; known keys: " + String.join(", ", KNOWN.keySet()));
        if (value == null) values.remove(key);
        else values.put(key, value);
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            YAML.writeValue(tmp.toFile(), values);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
