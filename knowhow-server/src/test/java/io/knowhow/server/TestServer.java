package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.server.auth.ApiKeys;
import io.knowhow.server.auth.Scope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real server for tests: a knowledge base in a temp folder with a public document and one per tenant group
 * (alpha, beta), each holding a secret word no other document has, served on a free loopback port.
 */
final class TestServer implements AutoCloseable {
    static final String PUBLIC_SECRET = "Marmalade";
    static final Map<String, String> SECRETS = Map.of("alpha", "Amberlight", "beta", "Cobaltriver");

    final Path root;
    final Path kbDir;
    final Path docs;
    final Knowhow kb;
    final KnowhowServer server;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final Map<String, String> keys = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    record Response(int status, String body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JsonViews.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** A knowledge base with the three documents; {@code withKeys} creates the tenants' and an admin key first. */
    TestServer(Path root, boolean withKeys, Map<String, String> config) throws Exception {
        this.root = root;
        this.kbDir = root.resolve("kb");
        this.docs = root.resolve("docs");
        Files.createDirectories(docs);
        write("public/cafeteria.md", "# Cafeteria\n\nThe cafeteria opens at eight in the morning. The " + PUBLIC_SECRET
                + " breakfast is served on Fridays with fresh bread and coffee for every team.\n");
        write("alpha/falcon.md", "# Project Falcon\n\nProject Falcon has a budget of forty million. Its launch codename is "
                + SECRETS.get("alpha") + ", and the falcon team meets on Tuesdays in the north building.\n");
        write("beta/osprey.md", "# Project Osprey\n\nProject Osprey has a budget of twelve million. Its launch codename is "
                + SECRETS.get("beta") + ", and the osprey team meets on Thursdays in the south building.\n");
        Files.createDirectories(kbDir);
        StringBuilder yaml = new StringBuilder();
        config.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        if (!yaml.isEmpty()) Files.writeString(kbDir.resolve("config.yaml"), yaml);
        this.kb = Knowhow.builder(kbDir).environment(Map.of()).build();
        kb.ingest(IngestRequest.of(docs.resolve("public")).makePublic(), IngestListener.NONE);
        kb.ingest(IngestRequest.of(docs.resolve("alpha")).restrictedTo(Set.of("alpha")), IngestListener.NONE);
        kb.ingest(IngestRequest.of(docs.resolve("beta")).restrictedTo(Set.of("beta")), IngestListener.NONE);
        if (withKeys) {
            ApiKeys k = new ApiKeys(kbDir);
            keys.put("alpha", k.create("alpha-team", Scope.INGEST, Set.of("alpha")).key());
            keys.put("beta", k.create("beta-team", Scope.INGEST, Set.of("beta")).key());
            keys.put("reader", k.create("public-reader", Scope.READ, Set.of()).key());
            keys.put("admin", k.create("admin", Scope.ADMIN, Set.of()).key());
        }
        ServerSettings settings = ServerSettings.fromConfig(kb.config()).withHost("127.0.0.1").withPort(0);
        this.server = KnowhowServer.start(kb, settings, new PrintStream(log, true, StandardCharsets.UTF_8));
        server.warmUp();
    }

    Path write(String rel, String text) throws IOException {
        Path p = docs.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    String source(String rel) {
        return docs.resolve(rel).toAbsolutePath().normalize().toString();
    }

    URI uri(String path) {
        return server.uri().resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    Response get(String key, String path) throws Exception {
        return send(key, HttpRequest.newBuilder(uri(path)).GET());
    }

    Response delete(String key, String path) throws Exception {
        return send(key, HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Response post(String key, String path, String json) throws Exception {
        return send(key, HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response postStream(String key, String path, String json) throws Exception {
        return send(key, HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A multipart upload of (client file name → content) plus form fields. */
    Response upload(String key, String path, Map<String, String> files, Map<String, String> fields) throws Exception {
        return upload(key, path, files, fields, "file");
    }

    /** A multipart upload whose file parts are named {@code fileField}. */
    Response upload(String key, String path, Map<String, String> files, Map<String, String> fields, String fileField) throws Exception {
        String boundary = "----knowhowtest" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet())
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> f : files.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + f.getKey().replace("\"", "\\\"")
                    + "\"\r\nContent-Type: text/markdown\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(f.getValue().getBytes(StandardCharsets.UTF_8));
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(key, HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    Response send(String key, HttpRequest.Builder b) throws Exception {
        if (key != null) b.header("Authorization", "Bearer " + key);
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().map());
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
        kb.close();
    }
}
