package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;

import java.util.HashMap;
import java.util.Map;

/** Minimal {@code --key value} parsing for benchmark programs. */
final class Args {
    private Args() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --key value, got " + args[i]);
            String key = args[i].substring(2);
            String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
            out.put(key, value);
        }
        return out;
    }

    /** {@code --chunk-tokens N --overlap M}: the ingest's chunking, the product's default (ADR 0009) when not given. */
    static ChunkingOptions chunking(Map<String, String> opt) {
        return new ChunkingOptions(Integer.parseInt(opt.getOrDefault("chunk-tokens", Integer.toString(ChunkingOptions.DEFAULT.maxTokens()))),
                Integer.parseInt(opt.getOrDefault("overlap", Integer.toString(ChunkingOptions.DEFAULT.overlapTokens()))));
    }

    /** {@code --window N}: tokens of each chunk read into its vector ({@code embedder.max-tokens}), the product's default when not given. */
    static int window(Map<String, String> opt) {
        return Integer.parseInt(opt.getOrDefault("window", Integer.toString(ChunkingOptions.DEFAULT_VECTOR_TOKENS)));
    }
}
