package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.AskRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Filter;
import io.knowhow.core.rag.Strategy;
import io.knowhow.server.auth.Scope;
import io.knowhow.server.http.ApiException;
import io.knowhow.server.http.Call;
import io.knowhow.server.http.Errors;
import io.knowhow.server.http.Json;
import io.knowhow.server.http.Route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI-compatible face: {@code GET /v1/models} and {@code POST /v1/chat/completions} (whole or streamed). The
 * last user message is the question; the model name picks the strategy ({@code knowhow-rag}, {@code knowhow-tuned-rag},
 * ...). The answer keeps its {@code [n]} markers and the citations travel in an extra {@code citations} field (the
 * objects of {@code ask --json}), so OpenAI clients parse the reply and knowhow-aware ones can show sources. Fields
 * OpenAI defines that do not apply (temperature, tools, ...) are accepted and ignored: its clients send them.
 */
final class OpenAiRoutes {
    static final String PREFIX = "knowhow-";
    private final KnowhowServer server;
    private final Knowhow kb;

    OpenAiRoutes(KnowhowServer server) {
        this.server = server;
        this.kb = server.kb();
    }

    List<Route> routes() {
        return List.of(new Route("GET", "/v1/models", Optional.of(Scope.READ), this::models),
                new Route("POST", "/v1/chat/completions", Optional.of(Scope.READ), this::chat));
    }

    static String modelName(Strategy s) {
        return PREFIX + s.label();
    }

    /** The strategies that can answer here, as models; unavailable ones (no tuned model, no documents) are left out. */
    private void models(Call c) throws IOException {
        ObjectNode root = JsonViews.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (Strategy s : Strategy.values()) {
            if (kb.unavailable(s).isPresent()) continue;
            ObjectNode m = data.addObject();
            m.put("id", modelName(s));
            m.put("object", "model");
            m.put("created", 0);
            m.put("owned_by", "knowhow");
            m.put("strategy", s.label());
        }
        c.respond(200, root);
    }

    private void chat(Call c) throws Exception {
        String ct = c.contentType().orElse("").toLowerCase(Locale.ROOT);
        // JSON only, as every OpenAI client sends it: a cross-site form or text/plain post cannot reach the endpoint.
        if (!ct.startsWith("application/json"))
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json (got Content-Type " + (ct.isEmpty() ? "none" : ct) + ")");
        JsonNode body = Json.tree(c.body());
        String model = body.path("model").asText("");
        if (model.isBlank()) throw ApiException.badRequest("field 'model' is required: one of GET /v1/models, e.g. " + modelName(Strategy.RAG));
        Strategy strategy = strategy(model);
        Optional<String> why = kb.unavailable(strategy);
        if (why.isPresent()) throw new ApiException(404, "model_not_found", "model '" + model + "' is not available here: " + why.get());
        String question = lastUserMessage(body.path("messages"));
        if (server.settings().logQuestions()) c.log("question", question);
        AskRequest request = new AskRequest(null, null, strategy, new Filter(Set.of(), Set.of(), c.principal().reader()));
        String id = "chatcmpl-" + c.requestId();
        long created = System.currentTimeMillis() / 1000;
        boolean stream = body.path("stream").asBoolean(false);
        if (!stream) {
            Answer a = server.withDeadline(() -> kb.ask(question, request));
            server.metrics().answer(a);
            ObjectNode root = head(id, "chat.completion", created, model);
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", a.text());
            choice.put("finish_reason", "stop");
            root.set("usage", usage(a));
            extras(root, a);
            c.respond(200, root);
            return;
        }
        Call.EventStream events = c.eventStream();
        boolean[] first = {true};
        try {
            Answer a = kb.ask(question, request, token -> {
                ObjectNode chunk = head(id, "chat.completion.chunk", created, model);
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                if (first[0]) delta.put("role", "assistant");
                first[0] = false;
                delta.put("content", token);
                choice.putNull("finish_reason");
                try {
                    events.send(null, chunk);
                } catch (IOException gone) {
                    throw new UncheckedIOException(gone);
                }
            });
            server.metrics().answer(a);
            ObjectNode last = head(id, "chat.completion.chunk", created, model);
            ObjectNode choice = last.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta");
            choice.put("finish_reason", "stop");
            last.set("usage", usage(a));
            extras(last, a);
            events.send(null, last);
            events.send(null, "[DONE]");
        } catch (Exception e) {
            ApiException a = Errors.map(e, c.requestId());
            c.log("error", a.code());
            try {
                ObjectNode err = JsonViews.error(a.code(), a.getMessage());
                ((ObjectNode) err.get("error")).put("type", a.code());
                events.send(null, err);
            } catch (IOException gone) {
                // the client is gone
            }
        }
    }

    private static ObjectNode head(String id, String object, long created, String model) {
        ObjectNode n = JsonViews.object();
        n.put("id", id);
        n.put("object", object);
        n.put("created", created);
        n.put("model", model);
        return n;
    }

    private static ObjectNode usage(Answer a) {
        ObjectNode u = JsonViews.object();
        u.put("prompt_tokens", a.usage().promptTokens());
        u.put("completion_tokens", a.usage().completionTokens());
        u.put("total_tokens", a.usage().promptTokens() + a.usage().completionTokens());
        return u;
    }

    /** knowhow's additions: the citations as {@code ask --json} has them, whether it abstained, the strategy. */
    private static void extras(ObjectNode n, Answer a) {
        n.set("citations", JsonViews.citations(a.citations()));
        n.put("abstained", a.abstained());
        n.put("strategy", a.strategy());
    }

    private static Strategy strategy(String model) {
        String m = model.strip().toLowerCase(Locale.ROOT);
        if (m.startsWith(PREFIX)) {
            String label = m.substring(PREFIX.length());
            for (Strategy s : Strategy.values()) if (s.label().equals(label)) return s;
        }
        throw new ApiException(404, "model_not_found", "unknown model '" + model + "': use one of GET /v1/models ("
                + String.join(", ", java.util.Arrays.stream(Strategy.values()).map(OpenAiRoutes::modelName).toList()) + ")");
    }

    /** The text of the last user message; content is a string or an array of {type: text, text} parts. */
    static String lastUserMessage(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) throw ApiException.badRequest("field 'messages' is required: an array of {role, content}");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) continue;
            JsonNode content = m.path("content");
            String text;
            if (content.isTextual()) text = content.asText();
            else if (content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) if ("text".equals(part.path("type").asText())) sb.append(sb.isEmpty() ? "" : "\n").append(part.path("text").asText());
                text = sb.toString();
            } else text = "";
            if (text.isBlank()) throw ApiException.badRequest("field 'messages[" + i + "].content' is empty: the last user message is the question");
            return text;
        }
        throw ApiException.badRequest("field 'messages' has no message with role 'user': the last user message is the question");
    }
}
