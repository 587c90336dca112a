package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.server.auth.ApiKeys;
import io.knowhow.server.auth.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's guarantees other than tenancy: keys and scopes, limits, bad input, uploads, busy writers, logs. */
class ServerIT {
    @TempDir
    static Path tmp;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(tmp, true, Map.of("server.max-body-bytes", "2048", "server.max-upload-bytes", "65536", "store.wait-seconds", "0"));
    }

    @AfterAll
    static void stop() {
        if (s != null) s.close();
    }

    static String code(TestServer.Response r) {
        return r.json().path("error").path("code").asText();
    }

    @Test
    void keysAndScopes() throws Exception {
        TestServer.Response none = s.post(null, "/api/ask", "{\"question\": \"cafeteria\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(code(none)).isEqualTo("unauthorized");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(s.post("kh_not-a-key", "/api/ask", "{\"question\": \"cafeteria\"}").status()).isEqualTo(401);
        assertThat(s.send(null, HttpRequest.newBuilder(s.uri("/api/sources")).header("Authorization", "Basic abc")).status()).isEqualTo(401);
        TestServer.Response readUpload = s.upload(s.keys.get("reader"), "/api/ingest", Map.of("a.md", "text"), Map.of());
        assertThat(readUpload.status()).isEqualTo(403);
        assertThat(code(readUpload)).isEqualTo("forbidden");
        assertThat(readUpload.json().path("error").path("message").asText()).contains("public-reader").contains("read").contains("ingest");
        assertThat(s.post(s.keys.get("alpha"), "/api/ingest", "{\"paths\": [\"/etc\"]}").status()).as("server paths need admin").isEqualTo(403);
        assertThat(s.post(s.keys.get("alpha"), "/api/tune", "{\"task\": \"classify\", \"data\": \"/etc/passwd\"}").status()).isEqualTo(403);
        assertThat(s.get(s.keys.get("alpha"), "/api/reports").status()).isEqualTo(403);
        // Public routes need no key.
        assertThat(s.get(null, "/health").status()).isEqualTo(200);
        assertThat(s.get(null, "/ready").json().path("status").asText()).isEqualTo("ready");
        assertThat(s.get(null, "/openapi.json").status()).isEqualTo(200);
        assertThat(s.get(null, "/").body()).contains("<html");
        assertThat(s.get(null, "/metrics").status()).isEqualTo(401);
    }

    @Test
    void aKeyCreatedOrRevokedWhileServingCountsAtTheNextRequest() throws Exception {
        ApiKeys keys = new ApiKeys(s.kbDir); // as `knowhow keys` in another process would
        String key = keys.create("late", Scope.READ, Set.of()).key();
        assertThat(s.get(key, "/api/whoami").json().path("name").asText()).isEqualTo("late");
        assertThat(keys.revoke("late")).isTrue();
        assertThat(s.get(key, "/api/whoami").status()).isEqualTo(401);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.kbDir.resolve("keys.json")))).isEqualTo("rw-------");
        assertThat(Files.readString(s.kbDir.resolve("keys.json"))).doesNotContain(s.keys.get("alpha")).doesNotContain(key);
    }

    @Test
    void badJsonAndUnknownFieldsAre400NamingTheField() throws Exception {
        TestServer.Response unknown = s.post(s.keys.get("reader"), "/api/ask", "{\"qestion\": \"x\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("message").asText()).contains("'qestion'").contains("question");
        TestServer.Response type = s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"x\", \"k\": \"five\"}");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.json().path("error").path("message").asText()).contains("'k'").contains("whole number");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"x\", \"k\": 2.5}").body()).contains("'k'");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"x\", \"k\": 0}").body()).contains("k must be between 1 and 1000");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"x\", \"mode\": \"fuzzy\"}").body()).contains("field 'mode'");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"x\", \"strategy\": \"magic\"}").body()).contains("field 'strategy'");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": ").body()).contains("not valid JSON");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "{}").body()).contains("field 'question' is required");
        assertThat(s.post(s.keys.get("reader"), "/api/ask", "[1]").status()).isEqualTo(400);
        assertThat(s.post(s.keys.get("reader"), "/api/search", "{\"query\": \"x\", \"tags\": \"one\"}").body()).contains("'tags'");
        assertThat(s.post(s.keys.get("reader"), "/v1/chat/completions", "{\"model\": \"knowhow-rag\", \"messages\": []}").body()).contains("'messages'");
        assertThat(s.post(s.keys.get("reader"), "/v1/chat/completions", "{\"model\": \"gpt-4\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}").status()).isEqualTo(404);
        TestServer.Response form = s.send(s.keys.get("reader"), HttpRequest.newBuilder(s.uri("/api/ask"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("question=x")));
        assertThat(form.status()).as("a cross-site form cannot post a question").isEqualTo(415);
        assertThat(s.get(s.keys.get("reader"), "/api/nothing").status()).isEqualTo(404);
        assertThat(s.send(s.keys.get("reader"), HttpRequest.newBuilder(s.uri("/api/ask")).PUT(HttpRequest.BodyPublishers.ofString("{}"))).status()).isEqualTo(405);
    }

    @Test
    void requestsOverTheLimitsAre413AndLeaveNothing() throws Exception {
        TestServer.Response big = s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"" + "x".repeat(5000) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.body()).contains("server.max-body-bytes");
        List<String> before = sources();
        TestServer.Response upload = s.upload(s.keys.get("alpha"), "/api/ingest", Map.of("huge.md", "word ".repeat(20_000)), Map.of());
        assertThat(upload.status()).isEqualTo(413);
        assertThat(upload.body()).contains("server.max-upload-bytes");
        assertThat(sources()).isEqualTo(before);
        assertThat(uploadedFiles()).noneMatch(p -> p.getFileName().toString().startsWith("huge"));
    }

    @Test
    void uploadNamesNeverReachOutsideTheUploadFolder() throws Exception {
        String marker = "Quasarwidget";
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("../../etc/passwd.md", "# One\n\n" + marker + " one is a traversal attempt.\n");
        files.put("/etc/shadow.md", "# Two\n\n" + marker + " two is an absolute name.\n");
        files.put("evil\u0000name.md", "# Three\n\n" + marker + " three holds a NUL.\n");
        files.put("x".repeat(400) + ".md", "# Four\n\n" + marker + " four has a very long name.\n");
        files.put("..\\..\\windows\\system.ini.md", "# Five\n\n" + marker + " five uses backslashes.\n");
        TestServer.Response r = s.upload(s.keys.get("admin"), "/api/ingest?wait=true", files, Map.of("tag", "uploads"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode job = r.json().path("job");
        assertThat(job.path("state").asText()).isEqualTo("done");
        assertThat(job.path("result").path("added").asInt()).isEqualTo(5);
        Path folder = s.kbDir.resolve("uploads").resolve(job.path("id").asText());
        for (JsonNode u : job.path("result").path("uploads")) {
            Path stored = Path.of(u.path("source").asText());
            assertThat(stored.getParent()).isEqualTo(folder);
            assertThat(stored.getFileName().toString()).doesNotContain("..").doesNotContain("/").doesNotContain("\u0000").endsWith(".md");
            assertThat(stored.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(120);
        }
        assertThat(Files.exists(Path.of("/etc/passwd.md"))).isFalse();
        assertThat(Files.exists(Path.of("/etc/shadow.md"))).isFalse();
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(Files::isRegularFile).filter(p -> p.toString().contains("passwd") || p.toString().contains("shadow")))
                    .allSatisfy(p -> assertThat(p.startsWith(folder)).isTrue());
        }
        TestServer.Response found = s.post(s.keys.get("admin"), "/api/search", "{\"query\": \"" + marker + "\", \"k\": 10, \"mode\": \"bm25\"}");
        assertThat(found.json().path("hits")).hasSize(5);
    }

    @Test
    void uploadingAFileAgainReplacesTheEarlierUploadUnlessToldNotTo() throws Exception {
        String key = s.keys.get("alpha");
        TestServer.Response v1 = s.upload(key, "/api/ingest?wait=true", Map.of("policy.md", "# Policy\n\nThe Wombatrule says version one.\n"), Map.of());
        String first = v1.json().path("job").path("result").path("uploads").get(0).path("source").asText();
        TestServer.Response v2 = s.upload(key, "/api/ingest?wait=true", Map.of("policy.md", "# Policy\n\nThe Wombatrule says version two.\n"), Map.of());
        assertThat(v2.json().path("job").path("result").path("replaced").toString()).contains(first);
        assertThat(Files.exists(Path.of(first))).isFalse();
        TestServer.Response hits = s.post(key, "/api/search", "{\"query\": \"Wombatrule\", \"k\": 10, \"mode\": \"bm25\"}");
        assertThat(hits.json().path("hits")).hasSize(1);
        assertThat(hits.body()).contains("version two").doesNotContain("version one");
        // Another group's file of the same name is not replaced, nor is one uploaded with replace=false.
        TestServer.Response beta = s.upload(s.keys.get("beta"), "/api/ingest?wait=true", Map.of("policy.md", "# Policy\n\nThe Wombatrule of beta.\n"), Map.of());
        assertThat(beta.json().path("job").path("result").path("replaced")).isEmpty();
        TestServer.Response keep = s.upload(key, "/api/ingest?wait=true", Map.of("policy.md", "# Policy\n\nThe Wombatrule says version three.\n"), Map.of("replace", "false"));
        assertThat(keep.json().path("job").path("result").path("replaced")).isEmpty();
        assertThat(s.post(key, "/api/search", "{\"query\": \"Wombatrule\", \"k\": 10, \"mode\": \"bm25\"}").json().path("hits")).hasSize(2);
    }

    @Test
    void aCutUploadIs400AndKeepsNothing() throws Exception {
        List<String> before = sources();
        byte[] cut = ("--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.md\"\r\n\r\nhalf a file").getBytes();
        TestServer.Response r = s.send(s.keys.get("alpha"), HttpRequest.newBuilder(s.uri("/api/ingest"))
                .header("Content-Type", "multipart/form-data; boundary=b0").POST(HttpRequest.BodyPublishers.ofByteArray(cut)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("closing boundary");
        assertThat(sources()).isEqualTo(before);
        assertThat(uploadedFiles()).noneMatch(p -> p.getFileName().toString().startsWith("cut"));
        TestServer.Response empty = s.upload(s.keys.get("alpha"), "/api/ingest", Map.of(), Map.of("tag", "x"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(s.upload(s.keys.get("alpha"), "/api/ingest", Map.of("a.md", "x"), Map.of("colour", "red")).body()).contains("'colour'");
    }

    @Test
    void aBusyKnowledgeBaseIs503WithRetryAfterAndLosesNothing() throws Exception {
        List<String> before = sources();
        CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
        // Another writer (as the CLI's ingest in another process) holds the knowledge base's writer lock.
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Knowhow other = Knowhow.builder(s.kbDir).environment(Map.of()).build()) {
                other.ingest(IngestRequest.of(s.docs.resolve("public")), new IngestListener() {
                    @Override
                    public void started(int totalFiles) {
                        holding.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            }
        });
        try {
            assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();
            TestServer.Response del = s.delete(s.keys.get("admin"), "/api/sources?source=" + TenantMatrixIT.enc(s.source("public/cafeteria.md")));
            assertThat(del.status()).as(del.body()).isEqualTo(503);
            assertThat(code(del)).isEqualTo("busy");
            assertThat(del.header("Retry-After")).isNotNull();
            TestServer.Response job = s.upload(s.keys.get("alpha"), "/api/ingest?wait=true", Map.of("busy.md", "# Busy\n\nWritten while busy.\n"), Map.of());
            assertThat(job.json().path("job").path("state").asText()).isEqualTo("failed");
            assertThat(job.json().path("job").path("error").path("code").asText()).isEqualTo("busy");
            // Readers never wait for the writer.
            assertThat(s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"When is the Marmalade breakfast?\"}").status()).isEqualTo(200);
        } finally {
            release.countDown();
            writer.join(60_000);
        }
        assertThat(sources()).containsAll(before);
    }

    @Test
    void theLogHasOneJsonLinePerRequestWithTheKeyNameNeverTheKeyNorTheQuestion() throws Exception {
        String question = "Which secret phrase Zanzibarquest is logged?";
        TestServer.Response r = s.send(s.keys.get("alpha"), HttpRequest.newBuilder(s.uri("/api/ask")).header("Content-Type", "application/json")
                .header("X-Request-Id", "trace-42").POST(HttpRequest.BodyPublishers.ofString("{\"question\": \"" + question + "\"}")));
        assertThat(r.header("X-Request-Id")).isEqualTo("trace-42");
        // The line is written once the response is sent, so it may follow the client's read by a moment.
        String line = null;
        for (int i = 0; i < 100 && line == null; i++) {
            line = s.log().lines().filter(l -> l.contains("\"trace-42\"")).findFirst().orElse(null);
            if (line == null) Thread.sleep(50);
        }
        assertThat(line).as(s.log()).isNotNull();
        JsonNode n = io.knowhow.app.json.JsonViews.MAPPER.readTree(line);
        assertThat(n.path("method").asText()).isEqualTo("POST");
        assertThat(n.path("route").asText()).isEqualTo("/api/ask");
        assertThat(n.path("status").asInt()).isEqualTo(200);
        assertThat(n.path("key").asText()).isEqualTo("alpha-team");
        assertThat(n.has("ms")).isTrue();
        for (String k : s.keys.values()) assertThat(s.log()).doesNotContain(k);
        assertThat(s.log()).doesNotContain("Zanzibarquest");
    }

    @Test
    void reportsAreServedReadOnlyToAdminKeys() throws Exception {
        Path report = s.kbDir.resolve("reports/run-1");
        Files.createDirectories(report);
        Files.writeString(report.resolve("report.md"), "# Report\n\nrag beats prompt-only\n");
        Files.writeString(s.kbDir.resolve("keys.json.bak"), "secret");
        TestServer.Response list = s.get(s.keys.get("admin"), "/api/reports");
        assertThat(list.body()).contains("run-1/report.md");
        TestServer.Response file = s.get(s.keys.get("admin"), "/api/reports/run-1/report.md");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).contains("rag beats prompt-only");
        assertThat(file.header("Content-Security-Policy")).contains("sandbox");
        assertThat(s.get(s.keys.get("admin"), "/api/reports/..%2Fkeys.json").status()).isIn(400, 404);
        assertThat(s.get(s.keys.get("admin"), "/api/reports/../keys.json").body()).doesNotContain("sha256");
        assertThat(s.post(s.keys.get("admin"), "/api/reports/run-1/report.md", "{}").status()).isEqualTo(405);
    }

    @Test
    void aServerWithoutKeysLetsAnonymousReadPublicOnlyAndRefusesOtherAddresses(@TempDir Path dir) throws Exception {
        try (TestServer open = new TestServer(dir, false, Map.of())) {
            TestServer.Response r = open.post(null, "/api/search", "{\"query\": \"codename budget Marmalade\", \"k\": 10}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("cafeteria").doesNotContain("falcon").doesNotContain("osprey");
            assertThat(open.upload(null, "/api/ingest", Map.of("a.md", "x"), Map.of()).status()).isEqualTo(401);
            // A page on evil.example whose name was rebound to 127.0.0.1 (Java's client will not send a foreign Host: a raw socket does).
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", open.server.port())) {
                socket.getOutputStream().write("GET /api/sources HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".getBytes());
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream())).readLine();
                assertThat(status).contains(" 421");
            }
            String key = new ApiKeys(open.kbDir).create("first", Scope.READ, Set.of()).key();
            assertThat(open.post(null, "/api/search", "{\"query\": \"Marmalade\"}").status()).as("the first key ends anonymous access").isEqualTo(401);
            assertThat(open.post(key, "/api/search", "{\"query\": \"Marmalade\"}").status()).isEqualTo(200);
        }
        Path empty = dir.resolve("empty-kb");
        try (Knowhow kb = Knowhow.builder(empty).environment(Map.of()).build()) {
            ServerSettings everywhere = ServerSettings.fromConfig(kb.config()).withHost("0.0.0.0").withPort(0);
            assertThatThrownBy(() -> KnowhowServer.start(kb, everywhere, new PrintStream(PrintStream.nullOutputStream())))
                    .hasMessageContaining("without API keys").hasMessageContaining("knowhow keys create");
        }
    }

    @Test
    void rateLimitedRequestsGet429WithRetryAfter(@TempDir Path dir) throws Exception {
        try (TestServer limited = new TestServer(dir, true, Map.of("server.rate-limit-per-minute", "5"))) {
            for (int i = 0; i < 5; i++) assertThat(limited.get(limited.keys.get("reader"), "/api/whoami").status()).isEqualTo(200);
            TestServer.Response r = limited.get(limited.keys.get("reader"), "/api/whoami");
            assertThat(r.status()).isEqualTo(429);
            assertThat(code(r)).isEqualTo("rate_limited");
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(limited.get(limited.keys.get("alpha"), "/api/whoami").status()).as("another key has its own budget").isEqualTo(200);
            assertThat(limited.get(null, "/health").status()).as("health is never limited").isEqualTo(200);
        }
    }

    @Test
    void shutdownFinishesTheRunningIngestJob(@TempDir Path dir) throws Exception {
        TestServer own = new TestServer(dir, true, Map.of());
        StringBuilder text = new StringBuilder("# Long\n\n");
        for (int i = 0; i < 300; i++) text.append("Sentence ").append(i).append(" talks about the graceful shutdown of servers. ");
        TestServer.Response r = own.upload(own.keys.get("admin"), "/api/ingest", Map.of("long.md", text.toString()), Map.of());
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().path("job").path("id").asText();
        own.server.close();
        assertThat(own.server.jobs().get(id).orElseThrow().state().name()).isIn("DONE", "CANCELLED");
        assertThat(own.kb.sources(io.knowhow.core.model.Reader.unrestricted()).stream().map(x -> x.source()).toList())
                .as("the ingest finished or left the knowledge base as before").satisfiesAnyOf(
                        l -> assertThat(l).anyMatch(x -> x.endsWith("long.md")),
                        l -> assertThat(l).hasSize(3));
        own.kb.close();
    }

    static List<String> sources() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        s.get(s.keys.get("admin"), "/api/sources").json().path("sources").forEach(x -> out.add(x.path("source").asText()));
        return out;
    }

    static List<Path> uploadedFiles() throws Exception {
        Path up = s.kbDir.resolve("uploads");
        if (!Files.exists(up)) return List.of();
        try (Stream<Path> w = Files.walk(up)) {
            return w.filter(Files::isRegularFile).toList();
        }
    }
}
