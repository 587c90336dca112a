package io.knowhow.eval.qa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Labelled pairs for {@code advise --pairs FILE}, in the formats {@code knowhow tune} reads: JSONL with
 * {@code {"input", "output"}}, {@code {"messages": [...]}} (the last assistant message is the output) or
 * {@code {"text", "label"}}, or a CSV of {@code text,label}. Reading counts and validates them (an invalid line is
 * an error naming its line and field) and measures whether the outputs have a fixed format.
 *
 * @param count           valid pairs
 * @param distinctOutputs distinct output texts
 * @param jsonOutputs     outputs that are JSON objects
 * @param jsonKeySets     distinct key sets among the JSON outputs
 */
public record Pairs(int count, int distinctOutputs, int jsonOutputs, int jsonKeySets) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A fixed output format: a small label set (at most 200 distinct outputs, and at most a fifth of the pairs),
     * or JSON objects (90% or more) sharing at most 3 key sets.
     */
    public boolean fixedFormat() {
        boolean labels = distinctOutputs <= 200 && distinctOutputs * 5 <= count;
        boolean json = count > 0 && jsonOutputs * 10 >= count * 9 && jsonKeySets <= 3;
        return labels || json;
    }

    /** A sentence for the advice. */
    public String describe() {
        return String.format(Locale.ROOT, "%,d labelled pairs, %,d distinct outputs%s", count, distinctOutputs,
                jsonOutputs > 0 ? String.format(Locale.ROOT, ", %,d JSON objects with %d key set%s", jsonOutputs, jsonKeySets, jsonKeySets == 1 ? "" : "s") : "");
    }

    public static Pairs read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("pairs file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pairs file " + file + ": " + e.getMessage(), e);
        }
        boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        Map<String, Integer> outputs = new HashMap<>();
        Set<String> keySets = new TreeSet<>();
        int count = 0, json = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String output = csv ? csvLabel(file, i + 1, line) : jsonlOutput(file, i + 1, line);
            if (output == null) continue; // the CSV header
            count++;
            outputs.merge(output.strip(), 1, Integer::sum);
            try {
                JsonNode n = JSON.readTree(output);
                if (n != null && n.isObject()) {
                    json++;
                    Set<String> keys = new TreeSet<>();
                    n.fieldNames().forEachRemaining(keys::add);
                    keySets.add(String.join(",", keys));
                }
            } catch (JsonProcessingException notJson) {
                // a plain-text output
            }
        }
        if (count == 0) throw new QaFormatException(file, Math.max(1, lines.size()), null, "the file holds no labelled pairs");
        return new Pairs(count, outputs.size(), json, keySets.size());
    }

    private static String csvLabel(Path file, int line, String text) {
        int comma = text.lastIndexOf(',');
        if (comma <= 0 || comma == text.length() - 1) throw new QaFormatException(file, line, "label", "expected text,label");
        String label = text.substring(comma + 1).strip();
        if (line == 1 && (label.equalsIgnoreCase("label") || label.equalsIgnoreCase("category"))) return null;
        return label;
    }

    private static String jsonlOutput(Path file, int line, String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new QaFormatException(file, line, null, "not a JSON object (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) throw new QaFormatException(file, line, null, "each line must be one JSON object");
        if (n.has("messages")) {
            JsonNode m = n.get("messages");
            if (!m.isArray() || m.isEmpty()) throw new QaFormatException(file, line, "messages", "must be a non-empty array of {role, content}");
            String out = null;
            for (JsonNode msg : m) if ("assistant".equals(msg.path("role").asText())) out = msg.path("content").asText(null);
            if (out == null || out.isBlank()) throw new QaFormatException(file, line, "messages", "has no assistant message to learn");
            return out;
        }
        if (n.has("input") || n.has("output")) {
            require(file, line, n, "input");
            return require(file, line, n, "output");
        }
        if (n.has("text") || n.has("label")) {
            require(file, line, n, "text");
            return require(file, line, n, "label");
        }
        throw new QaFormatException(file, line, null, "expected {\"input\", \"output\"}, {\"messages\": [...]} or {\"text\", \"label\"}");
    }

    private static String require(Path file, int line, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) throw new QaFormatException(file, line, field, "missing");
        if (!v.isTextual() || v.asText().isBlank()) throw new QaFormatException(file, line, field, "must be a non-empty string");
        return v.asText();
    }
}
