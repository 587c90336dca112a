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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a QA file: JSON Lines, one question per line, format version {@value #VERSION} (docs/eval-format.md).
 *
 * <pre>
 * {"knowhow_qa": 1}                                                   optional header, first line only
 * {"id": "team-price", "question": "How much is the Team plan?", "answers": ["$49", "49 dollars"], "sources": ["pricing.md"]}
 * {"question": "Does Lumen integrate with Salesforce?", "abstain": true}
 * {"question": "Party of 4 at 7pm", "schema": {"type": "object", "required": ["people"]}}
 * </pre>
 *
 * Fields: {@code question} (required, text); {@code answers} (array of texts, required unless {@code abstain} is
 * true or a {@code schema} is given); {@code sources} (array of file names or paths); {@code abstain} (boolean);
 * {@code schema} (a JSON Schema object); {@code id} (text, unique). Blank lines are skipped. An unknown field is
 * an error (a typo such as {@code answer} would otherwise silently score nothing), and so is a header whose
 * version is newer than this reader's. Every error names the file, the line and the field.
 */
public final class QaFile {
    /** The format version this reader writes and reads. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("id", "question", "answers", "sources", "abstain", "schema");

    private QaFile() {}

    public static List<QaCase> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("QA file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read QA file " + file + ": " + e.getMessage(), e);
        }
        return parse(file, lines);
    }

    static List<QaCase> parse(Path file, List<String> lines) {
        List<QaCase> cases = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i).strip();
            if (i == 0 && text.startsWith("\uFEFF")) text = text.substring(1);
            if (text.isEmpty()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new QaFormatException(file, line, null, "not a JSON object (" + e.getOriginalMessage() + ")");
            }
            if (n == null || !n.isObject()) throw new QaFormatException(file, line, null, "each line must be one JSON object");
            if (n.has("knowhow_qa")) {
                if (!first) throw new QaFormatException(file, line, "knowhow_qa", "the version header may only be the first line");
                JsonNode v = n.get("knowhow_qa");
                if (!v.isInt() || v.asInt() < 1)
                    throw new QaFormatException(file, line, "knowhow_qa", "must be a format version number (1)");
                if (v.asInt() > VERSION)
                    throw new QaFormatException(file, line, "knowhow_qa", "format version " + v.asInt() + " is newer than this knowhow reads ("
                            + VERSION + "): upgrade knowhow");
                first = false;
                continue;
            }
            first = false;
            cases.add(parseCase(file, line, n, ids));
        }
        if (cases.isEmpty()) throw new QaFormatException(file, Math.max(1, lines.size()), null, "the file holds no questions");
        return cases;
    }

    private static QaCase parseCase(Path file, int line, JsonNode n, Set<String> ids) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                String hint = f.equals("answer") ? " (did you mean 'answers', an array?)" : f.equals("source") ? " (did you mean 'sources', an array?)" : "";
                throw new QaFormatException(file, line, f, "unknown field" + hint + "; known: id, question, answers, sources, abstain, schema");
            }
        }
        JsonNode q = n.get("question");
        if (q == null) throw new QaFormatException(file, line, "question", "missing: every line needs a question");
        if (!q.isTextual() || q.asText().isBlank()) throw new QaFormatException(file, line, "question", "must be a non-empty string");
        String id = "line " + line;
        if (n.has("id")) {
            if (!n.get("id").isTextual() || n.get("id").asText().isBlank()) throw new QaFormatException(file, line, "id", "must be a non-empty string");
            id = n.get("id").asText();
        }
        if (!ids.add(id)) throw new QaFormatException(file, line, "id", "'" + id + "' is used twice");
        boolean abstain = false;
        if (n.has("abstain")) {
            if (!n.get("abstain").isBoolean()) throw new QaFormatException(file, line, "abstain", "must be true or false");
            abstain = n.get("abstain").asBoolean();
        }
        List<String> answers = texts(file, line, n, "answers");
        List<String> sources = texts(file, line, n, "sources");
        JsonNode schema = n.get("schema");
        if (schema != null && !schema.isObject() && !schema.isBoolean())
            throw new QaFormatException(file, line, "schema", "must be a JSON Schema (an object)");
        if (abstain && !answers.isEmpty())
            throw new QaFormatException(file, line, "answers", "a question that expects an abstention has no accepted answers");
        if (!abstain && answers.isEmpty() && schema == null)
            throw new QaFormatException(file, line, "answers", "missing: give accepted answers, or \"abstain\": true, or a \"schema\"");
        return new QaCase(line, id, q.asText().strip(), answers, sources, abstain, schema);
    }

    private static List<String> texts(Path file, int line, JsonNode n, String field) {
        JsonNode a = n.get(field);
        if (a == null) return List.of();
        if (!a.isArray()) throw new QaFormatException(file, line, field, "must be an array of strings, e.g. [\"" + (a.isTextual() ? a.asText() : "...") + "\"]");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode e = a.get(i);
            if (!e.isTextual() || e.asText().isBlank())
                throw new QaFormatException(file, line, field, "element " + i + " must be a non-empty string");
            out.add(e.asText().strip());
        }
        return out;
    }
}
