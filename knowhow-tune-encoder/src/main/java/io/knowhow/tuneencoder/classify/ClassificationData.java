package io.knowhow.tuneencoder.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads labelled texts for classification from a file, chosen by its extension:
 * <ul>
 *   <li>{@code .jsonl}: one object per line, {@code {"text": "...", "label": "..."}}; blank lines skipped;</li>
 *   <li>{@code .csv}: RFC 4180 (quoted fields may hold commas, doubled quotes and line breaks), a header row
 *       naming a {@code text} column and a {@code label} or {@code category} column (Banking77's layout,
 *       {@code text,category}); other columns are ignored.</li>
 * </ul>
 * Every problem is a {@link ClassificationDataException} naming the file and line.
 */
public final class ClassificationData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassificationData() {}

    /** The examples in {@code file}, in file order. */
    public static List<LabeledText> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classification data " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        List<LabeledText> out;
        if (name.endsWith(".jsonl")) out = jsonl(file, content);
        else if (name.endsWith(".csv")) out = csv(file, content);
        else throw new ClassificationDataException(file, 0, "unknown format; use .jsonl ({\"text\",\"label\"} per line) or .csv (header text,label or text,category)");
        if (out.isEmpty()) throw new ClassificationDataException(file, 0, "holds no examples");
        return out;
    }

    private static List<LabeledText> jsonl(Path file, String content) {
        List<LabeledText> out = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            int number = i + 1;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ClassificationDataException(file, number, "not valid JSON: " + e.getOriginalMessage());
            }
            if (!n.isObject()) throw new ClassificationDataException(file, number, "expected an object {\"text\": ..., \"label\": ...}");
            out.add(example(file, number, field(file, number, n, "text"), field(file, number, n, "label")));
        }
        return out;
    }

    private static String field(Path file, int line, JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) throw new ClassificationDataException(file, line, "missing field \"" + name + "\"");
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean())
            throw new ClassificationDataException(file, line, "field \"" + name + "\" must be a string, found " + v.getNodeType().name().toLowerCase(Locale.ROOT));
        return v.asText();
    }

    private static LabeledText example(Path file, int line, String text, String label) {
        if (text.isBlank()) throw new ClassificationDataException(file, line, "text is empty");
        if (label.isBlank()) throw new ClassificationDataException(file, line, "label is empty");
        return new LabeledText(text, label.strip(), line);
    }

    private static List<LabeledText> csv(Path file, String content) {
        List<Row> rows = parseCsv(file, content);
        if (rows.isEmpty()) throw new ClassificationDataException(file, 1, "empty file; expected a header row such as text,category");
        List<String> header = rows.getFirst().fields().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int text = header.indexOf("text");
        int label = header.indexOf("label") >= 0 ? header.indexOf("label") : header.indexOf("category");
        if (text < 0 || label < 0)
            throw new ClassificationDataException(file, 1, "header " + rows.getFirst().fields() + " needs a 'text' column and a 'label' or 'category' column");
        List<LabeledText> out = new ArrayList<>();
        for (Row row : rows.subList(1, rows.size())) {
            if (row.fields().size() == 1 && row.fields().getFirst().isBlank()) continue;
            if (row.fields().size() != header.size())
                throw new ClassificationDataException(file, row.line(), "has " + row.fields().size() + " fields, the header has " + header.size()
                        + " (quote a text that holds commas: \"like, this\")");
            out.add(example(file, row.line(), row.fields().get(text), row.fields().get(label)));
        }
        return out;
    }

    /** A CSV record and the line it starts on. */
    private record Row(List<String> fields, int line) {}

    private static List<Row> parseCsv(Path file, String s) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1, rowStart = 1;
        boolean quoted = false, any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (!field.isEmpty())
                        throw new ClassificationDataException(file, line, "a quote inside an unquoted field; quote the whole field and double inner quotes");
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    any = true;
                }
                case '\r' -> { }
                case '\n' -> {
                    fields.add(field.toString());
                    rows.add(new Row(List.copyOf(fields), rowStart));
                    fields.clear();
                    field.setLength(0);
                    any = false;
                    line++;
                    rowStart = line;
                }
                default -> {
                    field.append(c);
                    any = true;
                }
            }
        }
        if (quoted) throw new ClassificationDataException(file, rowStart, "a quoted field is never closed");
        if (any || !field.isEmpty() || !fields.isEmpty()) {
            fields.add(field.toString());
            rows.add(new Row(List.copyOf(fields), rowStart));
        }
        return rows;
    }
}
