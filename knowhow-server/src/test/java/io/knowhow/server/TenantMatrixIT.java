package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tenants × every endpoint × (own, other's, public) documents: a key of group alpha must never receive a byte
 * of group beta's document — not in an answer, a citation, a streamed token, a search hit, a source listing, a
 * chunk, the history, a chat completion, a job, or the metrics — and the other way round. (Open WebUI #10116: answers
 * from a private knowledge base the user cannot access; #17669: a knowledge base attached to a model exposed to
 * unauthorised users.) Each case also checks the positive side, so a server that answered nothing would fail.
 */
class TenantMatrixIT {
    @TempDir
    static Path tmp;
    static TestServer s;

    static final Map<String, String> FILE = Map.of("alpha", "alpha/falcon.md", "beta", "beta/osprey.md", "public", "public/cafeteria.md");
    static final Map<String, String> QUESTION = Map.of("alpha", "What is the launch codename of Project Falcon?",
            "beta", "What is the launch codename of Project Osprey?", "public", "When is the Marmalade breakfast served?");

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(tmp, true, Map.of());
    }

    @AfterAll
    static void stop() {
        if (s != null) s.close();
    }

    static String other(String tenant) {
        return tenant.equals("alpha") ? "beta" : "alpha";
    }

    /** Nothing of the other tenant's document: neither its secret word nor its source's name. */
    static void noLeak(String tenant, String what, TestServer.Response r) {
        String o = other(tenant);
        assertThat(r.body()).as(tenant + " " + what + " must not show " + o + "'s document").doesNotContain(TestServer.SECRETS.get(o))
                .doesNotContain(FILE.get(o).substring(FILE.get(o).indexOf('/') + 1));
    }

    static List<String> citedSources(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("citations").forEach(c -> out.add(c.path("source").asText()));
        return out;
    }

    @Test
    void askJsonAndStreamNeverCiteAnotherTenantsDocument() throws Exception {
        for (String t : List.of("alpha", "beta")) {
            String key = s.keys.get(t);
            for (String target : List.of(t, other(t), "public")) {
                String body = "{\"question\": \"" + QUESTION.get(target) + "\"}";
                for (String strategy : List.of("rag", "full-context")) {
                    String withStrategy = body.replace("}", ", \"strategy\": \"" + strategy + "\"}");
                    TestServer.Response r = s.post(key, "/api/ask", withStrategy);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    noLeak(t, "ask " + strategy + " about " + target, r);
                    JsonNode a = r.json();
                    if (a.path("abstained").asBoolean()) assertThat(a.path("citations")).as("an abstention carries no citations").isEmpty();
                    assertThat(citedSources(a)).as("cited sources").allSatisfy(src -> assertThat(src).isIn(s.source(FILE.get(t)), s.source(FILE.get("public"))));
                    if (target.equals(t) && strategy.equals("rag")) {
                        assertThat(a.path("answer").asText()).as("own document answers").contains(TestServer.SECRETS.get(t));
                        assertThat(citedSources(a)).contains(s.source(FILE.get(t)));
                    }
                    if (target.equals("public") && strategy.equals("rag")) assertThat(citedSources(a)).contains(s.source(FILE.get("public")));
                }
                TestServer.Response sse = s.postStream(key, "/api/ask", body);
                assertThat(sse.status()).isEqualTo(200);
                assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
                assertThat(sse.body()).contains("event: token").contains("event: answer");
                noLeak(t, "streamed ask about " + target, sse);
                if (target.equals(t)) assertThat(sse.body()).contains(TestServer.SECRETS.get(t));
            }
        }
    }

    @Test
    void searchSourcesChunksAndHistoryShowOwnAndPublicOnly() throws Exception {
        for (String t : List.of("alpha", "beta")) {
            String key = s.keys.get(t), o = other(t);
            for (String target : List.of(t, o, "public")) {
                for (String mode : List.of("hybrid", "bm25", "dense")) {
                    TestServer.Response r = s.post(key, "/api/search", "{\"query\": \"" + QUESTION.get(target) + " " + TestServer.SECRETS.get(target)
                            + "\", \"k\": 10, \"mode\": \"" + mode + "\"}");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    noLeak(t, "search " + mode + " for " + target, r);
                    List<String> hitSources = new ArrayList<>();
                    r.json().path("hits").forEach(h -> hitSources.add(h.path("source").asText()));
                    assertThat(hitSources).isNotEmpty().doesNotContain(s.source(FILE.get(o)));
                    if (!target.equals(o)) assertThat(hitSources).contains(s.source(FILE.get(target)));
                }
            }
            TestServer.Response sources = s.get(key, "/api/sources");
            noLeak(t, "sources", sources);
            List<String> listed = new ArrayList<>();
            sources.json().path("sources").forEach(x -> listed.add(x.path("source").asText()));
            assertThat(listed).contains(s.source(FILE.get(t)), s.source(FILE.get("public"))).doesNotContain(s.source(FILE.get(o)));

            TestServer.Response own = s.get(key, "/api/sources/chunks?source=" + enc(s.source(FILE.get(t))));
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.body()).contains(TestServer.SECRETS.get(t));
            assertThat(s.get(key, "/api/sources/chunks?source=" + enc(s.source(FILE.get("public")))).status()).isEqualTo(200);
            TestServer.Response theirs = s.get(key, "/api/sources/chunks?source=" + enc(s.source(FILE.get(o))));
            TestServer.Response none = s.get(key, "/api/sources/chunks?source=" + enc(s.source("nowhere/none.md")));
            assertThat(theirs.status()).isEqualTo(404).isEqualTo(none.status());
            assertThat(theirs.json().path("error").path("code").asText()).isEqualTo(none.json().path("error").path("code").asText());
            assertThat(theirs.body()).doesNotContain(TestServer.SECRETS.get(o));

            TestServer.Response history = s.get(key, "/api/sources/history");
            assertThat(history.status()).isEqualTo(200);
            noLeak(t, "history", history);
            assertThat(history.body()).contains(FILE.get(t).substring(FILE.get(t).indexOf('/') + 1));
        }
    }

    @Test
    void chatCompletionsWholeAndStreamedNeverCiteAnotherTenantsDocument() throws Exception {
        for (String t : List.of("alpha", "beta")) {
            for (String target : List.of(t, other(t), "public")) {
                String req = "{\"model\": \"knowhow-rag\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"" + QUESTION.get(target) + "\"}], \"temperature\": 0}";
                TestServer.Response r = s.post(s.keys.get(t), "/v1/chat/completions", req);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                noLeak(t, "chat about " + target, r);
                if (target.equals(t)) assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).contains(TestServer.SECRETS.get(t));
                TestServer.Response st = s.post(s.keys.get(t), "/v1/chat/completions", req.replace("\"temperature\": 0", "\"stream\": true"));
                assertThat(st.status()).isEqualTo(200);
                assertThat(st.body()).contains("data: [DONE]");
                noLeak(t, "streamed chat about " + target, st);
            }
        }
    }

    @Test
    void aTenantCannotDeleteAnotherTenantsDocumentNorSeeItsJobs() throws Exception {
        for (String t : List.of("alpha", "beta")) {
            String o = other(t);
            TestServer.Response del = s.delete(s.keys.get(t), "/api/sources?source=" + enc(s.source(FILE.get(o))) + "&purge=true");
            assertThat(del.status()).isEqualTo(404);
            // The answer names only what the caller sent; it says nothing of whether that source exists.
            assertThat(del.json().path("deleted")).isEmpty();
            assertThat(del.body()).doesNotContain(TestServer.SECRETS.get(o));
            TestServer.Response folder = s.delete(s.keys.get(t), "/api/sources?source=" + enc(s.docs.resolve(o).toString()));
            assertThat(folder.status()).isEqualTo(404);
            assertThat(folder.json().path("deleted")).isEmpty();
            assertThat(s.get(s.keys.get(o), "/api/sources").body()).as("still there for its owner").contains(FILE.get(o).substring(FILE.get(o).indexOf('/') + 1));
        }
        // A job (an upload) of alpha is invisible to beta, listed or by id.
        TestServer.Response up = s.upload(s.keys.get("alpha"), "/api/ingest?wait=true", Map.of("alpha-notes.md", "# Notes\n\nThe alpha notes mention "
                + TestServer.SECRETS.get("alpha") + " again, in a separate upload.\n"), Map.of());
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        String id = up.json().path("job").path("id").asText();
        assertThat(up.json().path("job").path("state").asText()).isEqualTo("done");
        TestServer.Response jobs = s.get(s.keys.get("beta"), "/api/jobs");
        assertThat(jobs.body()).doesNotContain(id).doesNotContain("alpha-notes");
        assertThat(s.get(s.keys.get("beta"), "/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(s.delete(s.keys.get("beta"), "/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(s.get(s.keys.get("alpha"), "/api/jobs/" + id).status()).isEqualTo(200);
        // The upload took alpha's group by default: beta and the public reader cannot find it.
        TestServer.Response search = s.post(s.keys.get("beta"), "/api/search", "{\"query\": \"alpha notes separate upload\", \"k\": 10}");
        assertThat(search.body()).doesNotContain("alpha-notes").doesNotContain(TestServer.SECRETS.get("alpha"));
        assertThat(s.post(s.keys.get("reader"), "/api/search", "{\"query\": \"alpha notes separate upload\", \"k\": 10}").body()).doesNotContain("alpha-notes");
        // Uploading into another tenant's group is refused.
        TestServer.Response intoBeta = s.upload(s.keys.get("alpha"), "/api/ingest", Map.of("x.md", "poison"), Map.of("group", "beta"));
        assertThat(intoBeta.status()).isEqualTo(403);
    }

    @Test
    void aKeyWithoutGroupsAndMetricsSeePublicOnly() throws Exception {
        for (String target : List.of("alpha", "beta", "public")) {
            TestServer.Response r = s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"" + QUESTION.get(target) + "\"}");
            assertThat(r.body()).doesNotContain(TestServer.SECRETS.get("alpha")).doesNotContain(TestServer.SECRETS.get("beta"));
        }
        TestServer.Response models = s.get(s.keys.get("reader"), "/v1/models");
        assertThat(models.body()).contains("knowhow-rag").doesNotContain("knowhow-tuned");
        TestServer.Response metrics = s.get(s.keys.get("reader"), "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("knowhow_http_requests_total").contains("knowhow_index_chunks")
                .doesNotContain(TestServer.SECRETS.get("alpha")).doesNotContain(TestServer.SECRETS.get("beta"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
