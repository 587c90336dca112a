package io.knowhow.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.knowhow.app.json.JsonViews;
import io.knowhow.server.auth.Principal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request being answered: its caller, parameters and body (read with a size limit), and the ways to answer
 * it — JSON, bytes, or a stream of server-sent events. Records the status and a few fields for the access log.
 */
public final class Call {
    private final HttpExchange exchange;
    private final String requestId;
    private final Route route;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Principal principal;
    private final long maxBodyBytes;
    private final Map<String, Object> logFields = new LinkedHashMap<>();
    private int status;
    private boolean responded;

    public Call(HttpExchange exchange, String requestId, Route route, Map<String, String> pathParams, Principal principal, long maxBodyBytes) {
        this.exchange = exchange;
        this.requestId = requestId;
        this.route = route;
        this.pathParams = Map.copyOf(pathParams);
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
        this.principal = principal;
        this.maxBodyBytes = maxBodyBytes;
    }

    public String requestId() {
        return requestId;
    }

    public Route route() {
        return route;
    }

    public Principal principal() {
        return principal;
    }

    public String method() {
        return exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) throw new IllegalStateException("route " + route.template() + " has no parameter " + name);
        return v;
    }

    public Optional<String> query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A query flag: absent or "false" is false, "true" or empty ("?purge") is true, anything else a 400. */
    public boolean queryFlag(String name) {
        Optional<String> v = query(name);
        if (v.isEmpty() || v.get().equalsIgnoreCase("false")) return false;
        if (v.get().isEmpty() || v.get().equalsIgnoreCase("true")) return true;
        throw ApiException.badRequest("query parameter '" + name + "' must be true or false, got '" + v.get() + "'");
    }

    /** Whether the client asked for server-sent events ({@code Accept: text/event-stream}). */
    public boolean wantsEventStream() {
        return header("Accept").map(a -> a.toLowerCase(Locale.ROOT).contains("text/event-stream")).orElse(false);
    }

    /** A field for this request's access-log line (never a key, never a question unless configured). */
    public void log(String field, Object value) {
        logFields.put(field, value);
    }

    public Map<String, Object> logFields() {
        return logFields;
    }

    public int status() {
        return status;
    }

    public boolean responded() {
        return responded;
    }

    /** The declared body length, or -1 when the client sends it chunked. */
    public long contentLength() {
        String v = exchange.getRequestHeaders().getFirst("Content-Length");
        if (v == null) return -1;
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Content-Length is not a number: '" + v + "'");
        }
    }

    public Optional<String> contentType() {
        return header("Content-Type");
    }

    /** The whole body, at most the server's JSON limit; more is a 413 before (or while) it is read. */
    public byte[] body() throws IOException {
        return body(maxBodyBytes, "server.max-body-bytes");
    }

    /** The whole body, at most {@code limit} bytes (the setting named {@code setting} raises it). */
    public byte[] body(long limit, String setting) throws IOException {
        long declared = contentLength();
        if (declared > limit)
            throw ApiException.tooLarge("the request body has " + declared + " bytes; this server takes at most " + limit + " (" + setting + ")");
        try (InputStream in = limitedBody(limit, setting)) {
            return in.readAllBytes();
        }
    }

    /** The body as a stream that fails with 413 once more than {@code limit} bytes have been read. */
    public InputStream limitedBody(long limit, String setting) {
        long declared = contentLength();
        if (declared > limit)
            throw ApiException.tooLarge("the request body has " + declared + " bytes; this server takes at most " + limit + " (" + setting + ")");
        return new LimitedInputStream(exchange.getRequestBody(), limit, setting);
    }

    /** The body as a strict JSON record (see {@link Json#read}). */
    public <T> T json(Class<T> type) throws IOException {
        String ct = contentType().orElse("application/json").toLowerCase(Locale.ROOT);
        if (!ct.startsWith("application/json") && !ct.contains("+json"))
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json (got Content-Type " + ct + ")");
        return Json.read(body(), type);
    }

    public void respond(int code, JsonNode body) throws IOException {
        respond(code, "application/json", JsonViews.compact(body).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public void respond(int code, JsonNode body, Map<String, String> headers) throws IOException {
        respond(code, "application/json", JsonViews.compact(body).getBytes(StandardCharsets.UTF_8), headers);
    }

    public void respond(int code, String contentType, byte[] body, Map<String, String> headers) throws IOException {
        if (responded) throw new IllegalStateException("already responded");
        responded = true;
        status = code;
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean noBody = code == 204 || code == 304 || method().equals("HEAD");
        exchange.sendResponseHeaders(code, noBody ? -1 : body.length == 0 ? -1 : body.length);
        if (!noBody && body.length > 0) try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Starts a {@code text/event-stream} response; each event is flushed as it is sent. */
    public EventStream eventStream() throws IOException {
        if (responded) throw new IllegalStateException("already responded");
        responded = true;
        status = 200;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        return new EventStream(exchange.getResponseBody());
    }

    /** Server-sent events: {@code event: NAME\ndata: JSON\n\n}, or bare {@code data:} lines for OpenAI's stream. */
    public static final class EventStream {
        private final OutputStream out;

        EventStream(OutputStream out) {
            this.out = out;
        }

        public synchronized void send(String event, JsonNode data) throws IOException {
            send(event, JsonViews.compact(data));
        }

        /** {@code data} must be one line (JSON is). */
        public synchronized void send(String event, String data) throws IOException {
            StringBuilder sb = new StringBuilder();
            if (event != null) sb.append("event: ").append(event).append('\n');
            sb.append("data: ").append(data).append("\n\n");
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-encoding in '" + s + "'");
        }
    }

    /** Fails with 413 when more than {@code limit} bytes are read: a chunked body has no length to check first. */
    private static final class LimitedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final String setting;
        private long read;

        LimitedInputStream(InputStream in, long limit, String setting) {
            super(in);
            this.limit = limit;
            this.setting = setting;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count(n);
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > limit) throw ApiException.tooLarge("the request body is larger than " + limit + " bytes, the most this server takes (" + setting + ")");
        }
    }
}
