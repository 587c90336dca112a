package io.knowhow.tuneencoder.extract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads slot-filling examples from a JSON file in the Restaurant-8k layout (PolyAI, CC BY 4.0): a top-level
 * array of entries
 * <pre>
 * {"userInput": {"text": "table for 4 at 7pm"},
 *  "labels": [{"slot": "people", "valueSpan": {"startIndex": 10, "endIndex": 11}}, ...]}
 * </pre>
 * {@code labels} may be missing (no slot in the text); a missing {@code startIndex} means 0 (the dataset
 * omits zeros); other fields ({@code context}) are ignored. Every problem is a {@link SlotDataException}
 * naming the file, the entry and the line it starts on.
 */
public final class SlotData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlotData() {}

    /** The examples in {@code file}, in file order. */
    public static List<SlotExample> read(Path file) {
        List<SlotExample> out = new ArrayList<>();
        // Streaming the array, not readTree on the whole file, so that each entry's line is known.
        try (JsonParser p = JSON.createParser(Files.newBufferedReader(file))) {
            if (p.nextToken() != JsonToken.START_ARRAY)
                throw new SlotDataException(file, 0, 0, "expected a JSON array of {\"userInput\": {\"text\": ...}, \"labels\": [...]} entries");
            int entry = 0;
            while (true) {
                JsonToken t;
                int line;
                try {
                    t = p.nextToken();
                    line = p.currentTokenLocation().getLineNr();
                } catch (JsonProcessingException e) {
                    throw new SlotDataException(file, entry + 1, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                            "not valid JSON: " + e.getOriginalMessage());
                }
                if (t == JsonToken.END_ARRAY) break;
                if (t == null) throw new SlotDataException(file, 0, 0, "the array is not closed");
                entry++;
                JsonNode n;
                try {
                    n = p.readValueAsTree();
                } catch (JsonProcessingException e) {
                    throw new SlotDataException(file, entry, line, "not valid JSON: " + e.getOriginalMessage());
                }
                out.add(example(file, entry, line, n));
            }
        } catch (JsonProcessingException e) {
            throw new SlotDataException(file, 0, 0, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read slot data " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new SlotDataException(file, 0, 0, "holds no examples");
        return out;
    }

    private static SlotExample example(Path file, int entry, int line, JsonNode n) {
        if (n == null || !n.isObject()) throw new SlotDataException(file, entry, line, "expected an object with \"userInput\"");
        JsonNode text = n.path("userInput").path("text");
        if (!text.isTextual()) throw new SlotDataException(file, entry, line, "missing string field userInput.text");
        String s = text.asText();
        if (s.isBlank()) throw new SlotDataException(file, entry, line, "userInput.text is empty");
        List<SlotExample.Span> spans = new ArrayList<>();
        JsonNode labels = n.get("labels");
        if (labels != null && !labels.isNull()) {
            if (!labels.isArray()) throw new SlotDataException(file, entry, line, "\"labels\" must be an array");
            for (int i = 0; i < labels.size(); i++) {
                JsonNode l = labels.get(i);
                String where = "labels[" + i + "]";
                JsonNode slot = l.path("slot");
                if (!slot.isTextual() || slot.asText().isBlank()) throw new SlotDataException(file, entry, line, where + " has no \"slot\" name");
                JsonNode span = l.path("valueSpan");
                JsonNode start = span.path("startIndex"), end = span.path("endIndex");
                if (!span.isObject() || !end.isInt() || !(start.isMissingNode() || start.isInt()))
                    throw new SlotDataException(file, entry, line, where + " (" + slot.asText()
                            + ") needs valueSpan.endIndex and optionally valueSpan.startIndex as integers");
                int a = start.isMissingNode() ? 0 : start.asInt(), b = end.asInt();
                if (a < 0 || b <= a || b > s.length())
                    throw new SlotDataException(file, entry, line, where + " (" + slot.asText() + ") span [" + a + ", " + b
                            + ") is not inside the text's " + s.length() + " characters");
                spans.add(new SlotExample.Span(slot.asText(), a, b));
            }
        }
        return new SlotExample(s, spans, entry);
    }
}
