package io.knowhow.app.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting of a knowledge base: its name in {@code config.yaml}, the kind of value, the default and
 * what it means. Every key knowhow reads is a {@code ConfigKey} in {@link ConfigKeys}; there are no
 * string literals for keys elsewhere.
 *
 * @param name         dotted name, e.g. {@code ask.k}
 * @param type         what values are allowed
 * @param defaultValue the value in effect when the key is not set; null when there is none (the feature is off)
 * @param description  one sentence for {@code config keys} and docs/configuration.md
 */
public record ConfigKey(String name, ValueType type, String defaultValue, String description) {
    /** Environment variables override keys: this prefix plus the name upper-cased, '.' and '-' as '_'. */
    public static final String ENV_PREFIX = "KNOWHOW_";

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (defaultValue != null) type.check(name, defaultValue);
    }

    /** The environment variable that overrides this key, e.g. {@code KNOWHOW_ASK_K}. */
    public String environmentVariable() {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean secret() {
        return type instanceof ValueType.Secret;
    }
}
