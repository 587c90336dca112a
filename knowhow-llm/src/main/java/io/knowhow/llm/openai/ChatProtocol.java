package io.knowhow.llm.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.ChatMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON shapes of the chat-completions protocol: the request, and the reply read from a whole
 * response or from one stream chunk. Anything that is not the expected shape is a
 * {@link LlmErrors#malformed} error; an error object inside a 2xx answer is mapped like an error status.
 *
 * <p>Jackson's default cap on one string (20 million characters) is raised to
 * {@code llm.max-response-bytes}: a valid body under the byte cap always parses, whatever its answer's
 * length, and the byte cap, enforced while reading, is what bounds memory.
 */
final class ChatProtocol {
    private final ObjectMapper json;
    private final LlmSettings settings;
    private final LlmErrors errors;

    ChatProtocol(LlmSettings settings, LlmErrors errors) {
        this.settings = settings;
        this.errors = errors;
        // A string is at most as many characters as the bytes that encode it, so the byte cap bounds it.
        int maxString = (int) Math.max(StreamReadConstraints.defaults().getMaxStringLength(), settings.maxResponseBytes());
        this.json = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build())
                .build());
    }

    /** What one response or stream chunk carried. */
    record Reply(String text, String finishReason, Integer promptTokens, Integer completionTokens) {}

    String requestBody(List<ChatMessage> messages, boolean stream) {
        ObjectNode root = json.createObjectNode();
        root.put("model", settings.model());
        ArrayNode array = root.putArray("messages");
        for (ChatMessage m : messages) array.addObject().put("role", m.role()).put("content", m.content());
        root.put("max_tokens", settings.maxTokens());
        root.put("temperature", settings.temperature());
        root.put("stream", stream);
        // Without this OpenAI sends no token counts in a stream, and cost would have to be estimated.
        if (stream) root.putObject("stream_options").put("include_usage", true);
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a chat request", e);
        }
    }

    /** Parses a whole (non-streamed) chat completion, UTF-8 encoded. */
    Reply completion(byte[] body) {
        JsonNode root = parse(body, "a chat completion");
        if (root.has("error")) throw errors.status(200, new String(body, StandardCharsets.UTF_8), null);
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty())
            throw malformed("it has no 'choices'", head(body));
        JsonNode choice = choices.get(0);
        JsonNode content = choice.path("message").path("content");
        String finish = text(choice.path("finish_reason"));
        if (!content.isTextual()) {
            throw malformed(content.isMissingNode() ? "its first choice has no message content" : "its message content is not text", head(body));
        }
        return new Reply(content.asText(), finish, count(root, "prompt_tokens"), count(root, "completion_tokens"));
    }

    /** Parses one {@code data:} payload of a stream; the text is the delta, empty when it has none. */
    Reply chunk(String data) {
        JsonNode root = parse(data, "a stream chunk");
        if (root.has("error")) {
            JsonNode code = root.path("error").path("code");
            throw errors.status(code.isInt() && code.asInt() >= 400 ? code.asInt() : 500, data, null);
        }
        JsonNode choices = root.path("choices");
        String delta = "";
        String finish = null;
        if (choices.isArray() && !choices.isEmpty()) {
            JsonNode content = choices.get(0).path("delta").path("content");
            if (content.isTextual()) delta = content.asText();
            finish = text(choices.get(0).path("finish_reason"));
        } else if (!root.has("usage")) {
            throw malformed("a stream chunk has neither 'choices' nor 'usage'", data);
        }
        return new Reply(delta, finish, count(root, "prompt_tokens"), count(root, "completion_tokens"));
    }

    LlmException malformed(String what, String body) {
        return errors.malformed(what, body);
    }

    private JsonNode parse(String body, String what) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) throw malformed("expected " + what + " as a JSON object", body);
            return root;
        } catch (JsonProcessingException e) {
            throw malformed("it is not JSON", body);
        }
    }

    private JsonNode parse(byte[] body, String what) {
        try {
            JsonNode root = body.length == 0 ? null : json.readTree(body);
            if (root == null || !root.isObject()) throw malformed("expected " + what + " as a JSON object", head(body));
            return root;
        } catch (IOException e) {
            throw malformed("it is not JSON", head(body));
        }
    }

    /** The start of a body as text, enough to quote; decoding all of a large body would only be thrown away. */
    private static String head(byte[] body) {
        return new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
    }

    private static Integer count(JsonNode root, String field) {
        JsonNode n = root.path("usage").path(field);
        return n.canConvertToInt() && n.asInt() >= 0 ? n.asInt() : null;
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
