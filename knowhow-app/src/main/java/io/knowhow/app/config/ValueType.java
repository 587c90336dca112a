package io.knowhow.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The kind of value a configuration key holds, and how a value given by a user is checked and
 * normalised before it is written: {@code config set ask.k zero} is refused at once, not at the next
 * {@code ask}.
 */
public sealed interface ValueType {
    /**
     * Checks {@code value} for key {@code key}; returns it normalised (trimmed, lower-cased choice).
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    String check(String key, String value);

    /** A short description of what is allowed, for {@code config keys} and docs/configuration.md. */
    String describe();

    /** Free text. */
    record Text() implements ValueType {
        @Override
        public String check(String key, String value) {
            return value;
        }

        @Override
        public String describe() {
            return "text";
        }
    }

    /** A secret: stored like text, never printed. */
    record Secret() implements ValueType {
        @Override
        public String check(String key, String value) {
            if (value.strip().isEmpty()) throw new IllegalArgumentException(key + " must not be empty");
            return value.strip();
        }

        @Override
        public String describe() {
            return "secret (never printed)";
        }
    }

    /** A whole number in [min, max]. */
    record Whole(long min, long max) implements ValueType {
        @Override
        public String check(String key, String value) {
            long v;
            try {
                v = Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number" + range() + ", got '" + value + "'");
            }
            if (v < min || v > max) throw new IllegalArgumentException(key + " must be" + range() + ", got " + v);
            return Long.toString(v);
        }

        private String range() {
            if (max == Long.MAX_VALUE) return " of at least " + min;
            return " between " + min + " and " + max;
        }

        @Override
        public String describe() {
            return "whole number" + range();
        }
    }

    /** A finite decimal number in [min, max]. */
    record Decimal(double min, double max) implements ValueType {
        @Override
        public String check(String key, String value) {
            double v;
            try {
                v = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number" + range() + ", got '" + value + "'");
            }
            if (!Double.isFinite(v) || v < min || v > max) throw new IllegalArgumentException(key + " must be a number" + range() + ", got " + value.strip());
            return value.strip();
        }

        private String range() {
            if (max == Double.MAX_VALUE) return " of at least " + fmt(min);
            return " between " + fmt(min) + " and " + fmt(max);
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }

        @Override
        public String describe() {
            return "number" + range();
        }
    }

    /** One of a fixed list of words (case-insensitive); aliases map old words to current ones. */
    record Choice(List<String> choices) implements ValueType {
        public Choice {
            choices = List.copyOf(choices);
        }

        @Override
        public String check(String key, String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (!choices.contains(v))
                throw new IllegalArgumentException(key + " must be one of " + String.join(", ", choices) + "; got '" + value + "'");
            return v;
        }

        @Override
        public String describe() {
            return "one of " + String.join(", ", choices);
        }
    }

    /** An http(s) URL. */
    record Url() implements ValueType {
        @Override
        public String check(String key, String value) {
            try {
                URI uri = new URI(value.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null)
                    throw new IllegalArgumentException(key + " must be an http:// or https:// URL with a host, got '" + value + "'");
                return uri.toString();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + " is not a valid URL: '" + value + "' (" + e.getReason() + ")");
            }
        }

        @Override
        public String describe() {
            return "http(s) URL";
        }
    }

    /** A directory that exists when the key is set; stored absolute. */
    record Directory() implements ValueType {
        @Override
        public String check(String key, String value) {
            return existing(key, value, Files::isDirectory, "directory");
        }

        @Override
        public String describe() {
            return "directory";
        }
    }

    /** A file that exists when the key is set; stored absolute. */
    record File() implements ValueType {
        @Override
        public String check(String key, String value) {
            return existing(key, value, Files::isRegularFile, "file");
        }

        @Override
        public String describe() {
            return "file";
        }
    }

    /** {@code value} as an absolute path, if it names an existing {@code what} ({@code test} says). */
    private static String existing(String key, String value, java.util.function.Predicate<Path> test, String what) {
        try {
            Path p = Path.of(value.strip()).toAbsolutePath().normalize();
            if (!test.test(p)) throw new IllegalArgumentException(key + " must be an existing " + what + "; " + p + " is not one");
            return p.toString();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " is not a valid path: '" + value + "'");
        }
    }
}
