package io.knowhow.server.http;

import io.knowhow.server.auth.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One served route: a method, a path template ({@code /api/jobs/{id}}; a last segment {@code {path*}} takes the
 * rest of the path), the scope a key needs (none for public routes such as {@code /health}), and the handler.
 *
 * @param method   GET, POST, DELETE
 * @param template the path with {@code {name}} segments, as in the OpenAPI document
 * @param scope    the least scope a caller needs; empty for a route anyone may call
 * @param handler  what answers
 */
public record Route(String method, String template, Optional<Scope> scope, Handler handler) {
    /** Answers one call; throws {@link ApiException} (or an exception the dispatcher maps) to fail it. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }

    public Route {
        if (!template.startsWith("/")) throw new IllegalArgumentException("a route template starts with '/': " + template);
    }

    /** The path parameters when {@code path} (decoded segments) fits this template; empty when it does not. */
    public Optional<Map<String, String>> match(List<String> segments) {
        List<String> parts = segments(template);
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            if (p.startsWith("{") && p.endsWith("*}")) {
                if (i >= segments.size()) return Optional.empty();
                params.put(p.substring(1, p.length() - 2), String.join("/", segments.subList(i, segments.size())));
                return Optional.of(params);
            }
            if (i >= segments.size()) return Optional.empty();
            if (p.startsWith("{") && p.endsWith("}")) params.put(p.substring(1, p.length() - 1), segments.get(i));
            else if (!p.equals(segments.get(i))) return Optional.empty();
        }
        return parts.size() == segments.size() ? Optional.of(params) : Optional.empty();
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
        return out;
    }
}
