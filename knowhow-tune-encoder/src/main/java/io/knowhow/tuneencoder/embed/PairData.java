package io.knowhow.tuneencoder.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tuneencoder.classify.ClassificationDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads (query, passage) pairs from JSONL, one {@code {"query": "...", "passage": "..."}} per line; blank
 * lines are skipped. Problems are {@link ClassificationDataException}s naming the file and line.
 */
public final class PairData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PairData() {}

    /** The pairs in {@code file}, in file order. */
    public static List<TextPair> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pair data " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        List<TextPair> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new ClassificationDataException(file, i + 1, "not valid JSON: " + e.getOriginalMessage());
            }
            String q = n.path("query").asText(""), p = n.path("passage").asText("");
            if (q.isBlank()) throw new ClassificationDataException(file, i + 1, "missing or empty \"query\"");
            if (p.isBlank()) throw new ClassificationDataException(file, i + 1, "missing or empty \"passage\"");
            out.add(new TextPair(q, p, i + 1));
        }
        if (out.size() < 2) throw new ClassificationDataException(file, 0, "needs at least two pairs (the other pairs of a batch are the negatives)");
        return out;
    }
}
