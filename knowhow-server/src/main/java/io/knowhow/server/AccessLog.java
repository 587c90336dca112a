package io.knowhow.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON line per request — time, request id, method, route template, status, milliseconds, key name — and a
 * line per notable event. Never the key; the question only with {@code server.log-questions: true}.
 */
final class AccessLog {
    private final PrintStream out;

    AccessLog(PrintStream out) {
        this.out = out;
    }

    void request(String requestId, String method, String route, int status, double ms, String key, Map<String, Object> fields) {
        ObjectNode n = JsonViews.object();
        n.put("ts", Instant.now().toString());
        n.put("level", status >= 500 ? "error" : "info");
        n.put("event", "request");
        n.put("request_id", requestId);
        n.put("method", method);
        n.put("route", route);
        n.put("status", status);
        n.put("ms", Math.round(ms * 100) / 100.0);
        n.put("key", key);
        fields.forEach(n::putPOJO);
        write(n);
    }

    void event(String level, String event, String message) {
        ObjectNode n = JsonViews.object();
        n.put("ts", Instant.now().toString());
        n.put("level", level);
        n.put("event", event);
        n.put("message", message);
        write(n);
    }

    private void write(ObjectNode n) {
        String line = JsonViews.compact(n);
        synchronized (out) {
            out.println(line);
        }
    }
}
