package io.knowhow.tune.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.model.ChatMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL training file, one example per line, in either of two formats:
 * <pre>
 * {"messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}
 * {"input": "...", "output": "..."}          optional "system"; Alpaca's "instruction" is put before "input"
 * </pre>
 * Blank lines are skipped. Every line is checked before anything is returned, and all problems (up to
 * {@link #MAX_REPORTED}) are reported together, each as {@code file line N: problem}.
 */
public final class TrainingData {
    /** Problems listed in one exception; a file with more is reported as "and N more". */
    public static final int MAX_REPORTED = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingData() {}

    /**
     * The examples in {@code jsonl}.
     *
     * @throws TrainingDataException when the file is missing, empty or has invalid lines
     */
    public static List<TrainingExample> read(Path jsonl) {
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            return read(in, jsonl.toString());
        } catch (NoSuchFileException e) {
            throw new TrainingDataException("Training data not found: " + jsonl.toAbsolutePath());
        } catch (IOException e) {
            throw new TrainingDataException("Cannot read training data " + jsonl + ": " + e.getMessage());
        }
    }

    /**
     * The examples in {@code in}, read to its end; {@code name} names it in messages (a file, or a bundled resource).
     *
     * @throws TrainingDataException when it is empty or has invalid lines
     * @throws IOException           when reading fails
     */
    public static List<TrainingExample> read(BufferedReader in, String name) throws IOException {
        List<TrainingExample> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int bad = 0;
        String text;
        int line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) text = text.substring(1);
            if (text.isBlank()) continue;
            try {
                out.add(parse(text, line));
            } catch (IllegalArgumentException e) {
                bad++;
                if (problems.size() < MAX_REPORTED) problems.add(name + " line " + line + ": " + e.getMessage());
            }
        }
        if (bad > 0) {
            String more = bad > problems.size() ? "\n(and " + (bad - problems.size()) + " more)" : "";
            throw new TrainingDataException(bad + " invalid line" + (bad == 1 ? "" : "s") + " in " + name + ":\n"
                    + String.join("\n", problems) + more, problems);
        }
        if (out.isEmpty()) throw new TrainingDataException(name + " contains no examples: expected one JSON object per line");
        return out;
    }

    /** One line as an example. @throws IllegalArgumentException saying what is wrong with it */
    static TrainingExample parse(String text, int line) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) throw new IllegalArgumentException("expected a JSON object");
        if (node.has("messages")) return new TrainingExample(chat(node.get("messages")), line);
        if (node.has("input") || node.has("instruction") || node.has("output")) return new TrainingExample(instruction(node), line);
        throw new IllegalArgumentException("expected \"messages\" (chat format) or \"input\" and \"output\" (instruction format)");
    }

    private static List<ChatMessage> chat(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) throw new IllegalArgumentException("\"messages\" must be a non-empty array");
        List<ChatMessage> out = new ArrayList<>();
        boolean reply = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw new IllegalArgumentException("messages[" + i + "] is not an object");
            JsonNode role = m.get("role"), content = m.get("content");
            if (role == null || !role.isTextual()) throw new IllegalArgumentException("messages[" + i + "]: missing \"role\"");
            if (content == null || !content.isTextual()) throw new IllegalArgumentException("messages[" + i + "]: missing \"content\" (a string)");
            String r = role.asText();
            if (!r.equals(ChatMessage.SYSTEM) && !r.equals(ChatMessage.USER) && !r.equals(ChatMessage.ASSISTANT))
                throw new IllegalArgumentException("messages[" + i + "]: role \"" + r + "\" is not system, user or assistant");
            if (r.equals(ChatMessage.ASSISTANT) && !content.asText().isBlank()) reply = true;
            out.add(new ChatMessage(r, content.asText()));
        }
        if (!reply) throw new IllegalArgumentException("no assistant message with content: nothing to learn");
        return out;
    }

    private static List<ChatMessage> instruction(JsonNode node) {
        String input = text(node, "input", false);
        String instruction = text(node, "instruction", false);
        String output = text(node, "output", true);
        String system = text(node, "system", false);
        if (input == null && instruction == null) throw new IllegalArgumentException("missing \"input\"");
        if (output.isBlank()) throw new IllegalArgumentException("\"output\" is empty: nothing to learn");
        String user = instruction == null ? input : input == null || input.isBlank() ? instruction : instruction + "\n\n" + input;
        List<ChatMessage> out = new ArrayList<>();
        if (system != null && !system.isBlank()) out.add(ChatMessage.system(system));
        out.add(ChatMessage.user(user));
        out.add(new ChatMessage(ChatMessage.ASSISTANT, output));
        return out;
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("missing \"" + field + "\"");
            return null;
        }
        if (!v.isTextual()) throw new IllegalArgumentException("\"" + field + "\" must be a string");
        return v.asText();
    }
}
