package io.knowhow.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.llm.openai.LlmException.Kind;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The two JSON shapes of the chat-completions protocol (request; response or stream chunk) and the
 * mapping of error responses to {@link LlmException}s with messages a user can act on.
 *
 * <p>Error bodies differ by server, so the message is looked up in the usual places: OpenAI, llama.cpp
 * and Ollama write {@code {"error": {"message": ...}}}, vLLM {@code {"message": ...}}, some proxies
 * {@code {"error": "..."}} or {@code {"detail": ...}}.
 */
final class ChatProtocol {
    private final ObjectMapper json = new ObjectMapper();
    private final LlmSettings settings;

    ChatProtocol(LlmSettings settings) {
        this.settings = settings;
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

    /** Parses a whole (non-streamed) chat completion. */
    Reply completion(String body) {
        JsonNode root = parse(body, "a chat completion");
        if (root.has("error")) throw error(200, body, null);
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty())
            throw malformed("it has no 'choices'", body);
        JsonNode choice = choices.get(0);
        JsonNode content = choice.path("message").path("content");
        String finish = text(choice.path("finish_reason"));
        if (!content.isTextual()) {
            throw malformed(content.isMissingNode() ? "its first choice has no message content" : "its message content is not text", body);
        }
        return new Reply(content.asText(), finish, count(root, "prompt_tokens"), count(root, "completion_tokens"));
    }

    /** Parses one {@code data:} payload of a stream; the text is the delta, empty when it has none. */
    Reply chunk(String data) {
        JsonNode root = parse(data, "a stream chunk");
        if (root.has("error")) {
            JsonNode code = root.path("error").path("code");
            throw error(code.isInt() && code.asInt() >= 400 ? code.asInt() : 500, data, null);
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

    /**
     * The exception for an error response.
     *
     * @param status the HTTP status (200 for an error object inside a successful response)
     */
    LlmException error(int status, String body, HttpHeaders headers) {
        String url = settings.chatCompletionsUrl().toString();
        String said = serverMessage(body);
        String lower = said.toLowerCase(Locale.ROOT) + " " + (body == null ? "" : body.toLowerCase(Locale.ROOT));
        String quote = said.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + said;
        String model = settings.model();
        if (status == 401 || status == 403) {
            String hint = settings.apiKey() == null
                    ? "No API key is set: set " + LlmSettings.envVar("llm.api-key") + " (or llm.api-key)."
                    : "Check the API key (" + LlmSettings.envVar("llm.api-key") + " or llm.api-key) and that it may use model '" + model + "'.";
            return new LlmException(Kind.AUTHENTICATION, "The LLM server at " + url + " refused the request (" + quote + "). " + hint, null, status, null);
        }
        if (contextTooLong(lower)) {
            return new LlmException(Kind.CONTEXT_TOO_LONG, "The prompt is too long for model '" + model + "' at " + url + " (" + quote
                    + "). Set llm.context-window to the model's real window (now " + settings.contextWindowTokens()
                    + ") so prompts are trimmed to fit, retrieve fewer chunks (--k), or lower llm.max-tokens.", null, status, null);
        }
        if (status == 429 && lower.contains("insufficient_quota")) {
            return new LlmException(Kind.QUOTA_EXCEEDED, "The LLM account at " + url + " is out of quota (" + quote
                    + "). Check the plan and billing of the account the API key belongs to; retrying will not help.", null, status, null);
        }
        if (status == 429) {
            Duration wait = retryAfter(headers);
            return new LlmException(Kind.RATE_LIMITED, "The LLM server at " + url + " is rate-limiting requests (" + quote
                    + "). Wait and try again, or lower the request rate.", null, status, wait);
        }
        if (modelMissing(status, lower)) {
            return new LlmException(Kind.MODEL_NOT_FOUND, "The LLM server at " + url + " does not serve model '" + model + "' (" + quote
                    + "). Check llm.model (or " + LlmSettings.envVar("llm.model") + "); GET " + settings.baseUrl()
                    + "/models lists the models it serves.", null, status, null);
        }
        if (status == 404 || status == 405) {
            return new LlmException(Kind.ENDPOINT_NOT_FOUND, "No chat-completions endpoint at " + url + " (" + quote
                    + "). Check llm.base-url: it must be the server's OpenAI-compatible API root, e.g. http://localhost:11434/v1.", null, status, null);
        }
        if (status == 408) {
            return new LlmException(Kind.TIMEOUT, "The LLM server at " + url + " timed out the request (" + quote + ").", null, status, null);
        }
        if (status >= 500) {
            return new LlmException(Kind.SERVER_ERROR, "The LLM server at " + url + " failed (" + quote
                    + "). It may be overloaded or restarting; try again later.", null, status, retryAfter(headers));
        }
        return new LlmException(Kind.BAD_REQUEST, "The LLM server at " + url + " refused the request (" + quote
                + "). Check llm.model, llm.max-tokens and llm.temperature against what the server accepts.", null, status, null);
    }

    LlmException malformed(String what, String body) {
        return new LlmException(Kind.MALFORMED_RESPONSE, "The LLM server at " + settings.chatCompletionsUrl()
                + " sent a response that is not a chat completion: " + what + " (" + excerpt(body)
                + "). Check that llm.base-url points at an OpenAI-compatible API.", null);
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

    /** The server's own words about an error, or the start of the body when it is not JSON. */
    private String serverMessage(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.isObject()) {
                JsonNode error = root.path("error");
                for (JsonNode candidate : List.of(error.path("message"), error, root.path("message"), root.path("detail"))) {
                    if (candidate.isTextual() && !candidate.asText().isBlank()) return clip(candidate.asText());
                }
                JsonNode detail = root.path("detail");
                if (!detail.isMissingNode()) return clip(detail.toString());
            }
        } catch (JsonProcessingException ignored) {
            // Not JSON (an HTML error page, a proxy's text): quote its start instead.
        }
        return clip(body);
    }

    private static boolean contextTooLong(String lower) {
        return lower.contains("context_length_exceeded") || lower.contains("context length") || lower.contains("context window")
                || lower.contains("context size") || lower.contains("exceed_context") || lower.contains("maximum context")
                || lower.contains("too many tokens") || lower.contains("prompt is too long");
    }

    private static boolean modelMissing(int status, String lower) {
        if (lower.contains("model_not_found")) return true;
        boolean mentionsModel = lower.contains("model");
        boolean missing = lower.contains("not found") || lower.contains("does not exist") || lower.contains("not exist")
                || lower.contains("unknown model") || lower.contains("no such model") || lower.contains("invalid model");
        return mentionsModel && (status == 404 || (status == 400 || status == 422) && missing);
    }

    /** Retry-After in seconds or as an HTTP date, or the {@code retry-after-ms} some APIs send; null when absent. */
    static Duration retryAfter(HttpHeaders headers) {
        if (headers == null) return null;
        var ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(ms.get().strip()))));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        var v = headers.firstValue("retry-after");
        if (v.isEmpty()) return null;
        String s = v.get().strip();
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(s) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static Integer count(JsonNode root, String field) {
        JsonNode n = root.path("usage").path(field);
        return n.canConvertToInt() && n.asInt() >= 0 ? n.asInt() : null;
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    private String excerpt(String body) {
        if (body == null || body.isBlank()) return "the body was empty";
        return "it began: " + clip(body);
    }

    /** One line of at most 300 characters, with the API key blotted out should the server echo it. */
    private String clip(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        if (settings.apiKey() != null) one = one.replace(settings.apiKey(), "***");
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }
}
