package io.knowhow.bench;

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
}
