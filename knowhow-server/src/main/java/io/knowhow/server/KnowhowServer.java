package io.knowhow.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.model.Reader;
import io.knowhow.server.auth.ApiKeys;
import io.knowhow.server.auth.Principal;
import io.knowhow.server.auth.RateLimiter;
import io.knowhow.server.auth.Scope;
import io.knowhow.server.http.ApiException;
import io.knowhow.server.http.Call;
import io.knowhow.server.http.Errors;
import io.knowhow.server.http.Route;
import io.knowhow.server.jobs.Jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code knowhow serve}: the REST API ({@code /api}), the OpenAI-compatible API ({@code /v1}), the web UI ({@code /}),
 * {@code /openapi.json}, {@code /health}, {@code /ready} and {@code /metrics}, over one opened {@link Knowhow}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} with a virtual thread per request (ADR 0008). Every request
 * passes one dispatcher: route match, key check (401 without a valid key, 403 for a scope too small), rate limit
 * (429 with Retry-After), the handler, then errors as {@code {"error": {"code", "message"}}}, a JSON log line and
 * the metrics. A key's groups are the {@link Reader} of every query it makes; the store applies it inside the query.
 *
 * <p>Without any API key the server serves anonymous callers public documents only, read-only, and only on a
 * loopback address; it refuses to start on another address until a key exists (docs/security.md).
 */
public final class KnowhowServer implements AutoCloseable {
    static {
        // Slow clients: a request's head must arrive within 30 s (the JDK's default waits for ever). Set before the
        // JDK's server reads its configuration; a value the operator set on the command line wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "30");
    }

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Knowhow kb;
    private final ServerSettings settings;
    private final ApiKeys keys;
    private final Jobs jobs;
    private final RateLimiter limiter;
    private final ServerMetrics metrics;
    private final AccessLog log;
    private final boolean loopback;
    private final List<Route> routes;
    private final HttpServer http;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean ready;
    private volatile boolean closed;

    private KnowhowServer(Knowhow kb, ServerSettings settings, PrintStream logOut) throws IOException {
        this.kb = kb;
        this.settings = settings;
        this.keys = new ApiKeys(kb.directory());
        this.loopback = isLoopback(settings.host());
        if (!loopback && keys.isEmpty())
            throw new IllegalArgumentException("refusing to listen on " + settings.host() + " without API keys: anyone who can reach it could read the"
                    + " knowledge base. Create one first (`knowhow keys create --scope read --name NAME`), or serve on 127.0.0.1");
        this.jobs = new Jobs(settings.maxQueuedJobs());
        this.limiter = new RateLimiter(settings.ratePerMinute());
        this.metrics = new ServerMetrics(kb, jobs);
        this.log = new AccessLog(logOut);
        List<Route> all = new ArrayList<>();
        all.addAll(new WebRoutes(this).routes());
        all.addAll(new ApiRoutes(this).routes());
        all.addAll(new OpenAiRoutes(this).routes());
        this.routes = List.copyOf(all);
        this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        http.setExecutor(requests);
        http.createContext("/", this::dispatch);
    }

    /** Binds and starts serving; {@link #warmUp()} then loads the models so the first question is not slow. */
    public static KnowhowServer start(Knowhow kb, ServerSettings settings, PrintStream log) throws IOException {
        KnowhowServer s = new KnowhowServer(kb, settings, log);
        s.http.start();
        s.log.event("info", "started", "serving " + kb.directory() + " on " + s.uri() + (s.keys.isEmpty()
                ? " without API keys: anonymous callers may read public documents (loopback only)" : ""));
        return s;
    }

    /** Loads the embedding model and opens the store; {@code /ready} answers 200 from then on. */
    public void warmUp() {
        try {
            kb.embedder();
            if (kb.exists()) kb.sources(Reader.anonymous());
        } finally {
            ready = true;
        }
    }

    public URI uri() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Every served route, for the OpenAPI check and the docs. */
    public List<Route> routes() {
        return routes;
    }

    Knowhow kb() {
        return kb;
    }

    ServerSettings settings() {
        return settings;
    }

    ApiKeys keys() {
        return keys;
    }

    Jobs jobs() {
        return jobs;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    boolean ready() {
        return ready && !closed;
    }

    /** Whether a caller without a key may read: only while no key exists, and only on a loopback address. */
    boolean anonymousAllowed() {
        return loopback && keys.isEmpty();
    }

    /** Runs {@code task} with the request deadline ({@code server.request-timeout-seconds}); 504 after it. */
    <T> T withDeadline(Callable<T> task) throws Exception {
        Future<T> f = work.submit(task);
        try {
            return f.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Not interrupted: an interrupt inside Lucene or ONNX Runtime can close shared file channels. It finishes unseen.
            f.cancel(false);
            throw new ApiException(504, "timeout", "the request took longer than " + settings.requestTimeout().toSeconds()
                    + " s (server.request-timeout-seconds)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    // ---- dispatch

    private void dispatch(HttpExchange ex) {
        long t0 = System.nanoTime();
        String rid = ex.getRequestHeaders().getFirst("X-Request-Id");
        if (rid == null || !REQUEST_ID.matcher(rid).matches()) rid = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        ex.getResponseHeaders().set("X-Request-Id", rid);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String routeLabel = "unmatched";
        Principal principal = null;
        Call call = null;
        int status = 500;
        try {
            if (closed) throw ApiException.busy("the server is shutting down", 5);
            if (loopback && !loopbackHost(ex.getRequestHeaders().getFirst("Host")))
                // DNS rebinding: a web page whose name resolves to 127.0.0.1 must not read a loopback server.
                throw new ApiException(421, "misdirected_request", "this server answers only to localhost, 127.0.0.1 or [::1] in the Host header");
            List<String> segments = segments(ex.getRequestURI().getRawPath());
            Route route = null;
            Map<String, String> params = Map.of();
            boolean pathKnown = false;
            for (Route r : routes) {
                Optional<Map<String, String>> m = r.match(segments);
                if (m.isEmpty()) continue;
                pathKnown = true;
                if (r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"))) {
                    route = r;
                    params = m.get();
                    break;
                }
            }
            if (route == null) {
                if (pathKnown) throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + ex.getRequestURI().getPath());
                throw ApiException.notFound("no route " + method + " " + ex.getRequestURI().getPath() + " (see /openapi.json)");
            }
            routeLabel = route.template();
            principal = authenticate(ex, route);
            String caller = principal.anonymous() ? "addr:" + ex.getRemoteAddress().getAddress().getHostAddress() : "key:" + principal.name();
            if (route.scope().isPresent()) {
                OptionalLong wait = limiter.acquire(caller);
                if (wait.isPresent())
                    throw new ApiException(429, "rate_limited", "more than " + settings.ratePerMinute() + " requests a minute from "
                            + (principal.anonymous() ? "this address" : "key '" + principal.name() + "'") + " (server.rate-limit-per-minute); retry in "
                            + wait.getAsLong() + " s", Map.of("Retry-After", Long.toString(Math.max(1, wait.getAsLong()))));
            }
            call = new Call(ex, rid, route, params, principal, settings.maxBodyBytes());
            route.handler().handle(call);
            if (!call.responded()) call.respond(204, "application/json", new byte[0], Map.of());
            status = call.status();
        } catch (Throwable e) {
            ApiException a = Errors.map(e, rid);
            if (a.status() >= 500 && !(e instanceof ApiException))
                log.event("error", "failure", rid + " " + method + " " + routeLabel + ": " + stackTrace(e));
            if (call == null || !call.responded()) {
                status = a.status();
                sendError(ex, a);
            } else {
                status = call.status();
            }
        } finally {
            ex.close();
            double ms = (System.nanoTime() - t0) / 1e6;
            metrics.request(routeLabel, method, status, ms / 1000);
            log.request(rid, method, routeLabel, status, ms, principal == null ? null : principal.name(), call == null ? Map.of() : call.logFields());
        }
    }

    private Principal authenticate(HttpExchange ex, Route route) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        Principal p = null;
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7))
                throw new ApiException(401, "unauthorized", "the Authorization header must be 'Bearer KEY'", Map.of("WWW-Authenticate", "Bearer"));
            p = keys.verify(header.substring(7).strip()).orElseThrow(() -> new ApiException(401, "unauthorized",
                    "this API key is not valid (revoked, or mistyped): ask the knowledge base's owner for one (`knowhow keys create`)",
                    Map.of("WWW-Authenticate", "Bearer")));
        }
        if (route.scope().isEmpty()) return p == null ? Principal.ANONYMOUS : p;
        Scope needed = route.scope().get();
        if (p == null) {
            if (anonymousAllowed() && needed == Scope.READ) return Principal.ANONYMOUS;
            throw new ApiException(401, "unauthorized", anonymousAllowed()
                    ? "this needs an API key with scope " + needed.label() + ": send 'Authorization: Bearer KEY' (create one with `knowhow keys create --scope " + needed.label() + "`)"
                    : "an API key is required: send 'Authorization: Bearer KEY' (create one with `knowhow keys create`)", Map.of("WWW-Authenticate", "Bearer"));
        }
        if (!p.scope().includes(needed))
            throw new ApiException(403, "forbidden", "key '" + p.name() + "' has scope " + p.scope().label() + "; this needs " + needed.label());
        return p;
    }

    private static void sendError(HttpExchange ex, ApiException a) {
        try {
            a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] body = JsonViews.compact(JsonViews.error(a.code(), a.getMessage())).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), body.length);
            ex.getResponseBody().write(body);
        } catch (IOException | RuntimeException ignored) {
            // The client went away, or headers were already sent: nothing more can be said to it.
        }
    }

    /** The path's segments, percent-decoded; {@code .}, {@code ..}, NUL and encoded slashes are refused. */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) return out;
        for (String s : rawPath.split("/")) {
            if (s.isEmpty()) continue;
            String d = java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (d.equals(".") || d.equals("..") || d.indexOf('\0') >= 0 || d.contains("/") || d.contains("\\"))
                throw ApiException.badRequest("the path segment '" + s + "' is not allowed");
            out.add(d);
        }
        return out;
    }

    /** Whether a Host header names this machine's loopback (with or without a port). */
    static boolean loopbackHost(String host) {
        if (host == null) return true; // HTTP/1.0 clients send none; no browser omits it
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) return h.startsWith("[::1]");
        int colon = h.lastIndexOf(':');
        if (colon >= 0) h = h.substring(0, colon);
        return h.equals("localhost") || h.matches("127(\\.\\d{1,3}){3}");
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server.host '" + host + "' is not an address of this machine: " + e.getMessage());
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter sw = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(sw));
        return sw.toString();
    }

    void event(String level, String event, String message) {
        log.event(level, event, message);
    }

    /**
     * Stops gracefully: no new connections, requests in flight get {@code server.shutdown-seconds} to finish, then
     * the running ingest job the same time (then it is stopped between batches — every source stays whole — and a
     * training run writes a checkpoint), last-used times of keys are saved. The caller closes the {@link Knowhow}.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        long grace = settings.shutdownGrace().toSeconds();
        log.event("info", "stopping", "finishing requests in flight (up to " + grace + " s) and the running job");
        http.stop((int) Math.min(Integer.MAX_VALUE, grace));
        jobs.shutdown(settings.shutdownGrace(), m -> log.event("warn", "stopping", m));
        keys.flushLastUsed();
        requests.shutdown();
        work.shutdownNow();
        log.event("info", "stopped", "server stopped");
    }

}
