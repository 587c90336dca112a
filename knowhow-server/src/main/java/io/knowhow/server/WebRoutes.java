package io.knowhow.server;

import io.knowhow.app.json.JsonViews;
import io.knowhow.server.auth.Scope;
import io.knowhow.server.http.ApiException;
import io.knowhow.server.http.Call;
import io.knowhow.server.http.Route;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public routes — the web UI's files, {@code /openapi.json}, {@code /health}, {@code /ready} — and
 * {@code /metrics}. The UI is plain HTML, JS and CSS from this module's resources (no build step), served with a
 * content security policy that allows only this origin's scripts and no inline code.
 */
final class WebRoutes {
    static final String RESOURCES = "/io/knowhow/server/web/";
    /** Only our own files, no inline script, no framing; evaluation reports open in a sandboxed frame from a blob. */
    static final String UI_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src blob:;"
            + " object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of("app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8");

    private final KnowhowServer server;

    WebRoutes(KnowhowServer server) {
        this.server = server;
    }

    List<Route> routes() {
        return List.of(new Route("GET", "/", Optional.empty(), this::index),
                new Route("GET", "/ui/{file}", Optional.empty(), this::asset),
                new Route("GET", "/openapi.json", Optional.empty(), this::openapi),
                new Route("GET", "/health", Optional.empty(), this::health),
                new Route("GET", "/ready", Optional.empty(), this::ready),
                new Route("GET", "/metrics", Optional.of(Scope.READ), this::metrics));
    }

    private void index(Call c) throws IOException {
        c.respond(200, "text/html; charset=utf-8", resource("index.html"),
                Map.of("Content-Security-Policy", UI_POLICY, "X-Frame-Options", "DENY", "Cache-Control", "no-cache"));
    }

    private void asset(Call c) throws IOException {
        String file = c.pathParam("file");
        String type = ASSETS.get(file);
        if (type == null) throw ApiException.notFound("no file /ui/" + file);
        c.respond(200, type, resource(file), Map.of("Cache-Control", "no-cache"));
    }

    private void openapi(Call c) throws IOException {
        c.respond(200, "application/json", openApiDocument(), Map.of());
    }

    static byte[] openApiDocument() throws IOException {
        try (InputStream in = WebRoutes.class.getResourceAsStream("/io/knowhow/server/openapi.json")) {
            if (in == null) throw new IOException("openapi.json is missing from the server's resources");
            return in.readAllBytes();
        }
    }

    private void health(Call c) throws IOException {
        c.respond(200, JsonViews.object().put("status", "ok"));
    }

    private void ready(Call c) throws IOException {
        if (!server.ready()) {
            c.respond(503, JsonViews.object().put("status", "starting"), Map.of("Retry-After", "2"));
            return;
        }
        c.respond(200, JsonViews.object().put("status", "ready").put("knowledge_base", server.kb().exists()));
    }

    private void metrics(Call c) throws IOException {
        c.respond(200, ServerMetrics.contentType(), server.metrics().scrape(), Map.of());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw ApiException.notFound("no file " + name);
            return in.readAllBytes();
        }
    }
}
