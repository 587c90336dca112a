package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest while serving: a source is rewritten and re-ingested through the API again and again while other clients
 * search and ask; every response must show the source entirely before or entirely after a replacement — all its
 * chunks of one version, as many as that version has — never a mix or a part.
 */
class ConsistencyIT {
    static final String ONE = "Ursaone", TWO = "Ursatwo";

    static String version(String marker, int paragraphs) {
        StringBuilder sb = new StringBuilder("# Rotating handbook\n\n");
        for (int i = 1; i <= paragraphs; i++)
            sb.append("Paragraph ").append(i).append(" of the rotating handbook says the rotation marker is ").append(marker)
                    .append(" and that this paragraph is number ").append(i).append(" of its version.\n\n");
        return sb.toString();
    }

    @Test
    void readersSeeASourceBeforeOrAfterItsReplacementNeverHalf(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir, true, Map.of("chunk.max-tokens", "32", "chunk.overlap-tokens", "0",
                // Readers loop as fast as the machine allows; on a fast one that is more than the default 600 a
                // minute, and a 429 here would test the throttle, not consistency (ServerIT tests the throttle).
                "server.rate-limit-per-minute", "0"))) {
            Path file = s.write("rotating/handbook.md", version(ONE, 5));
            String source = s.source("rotating/handbook.md");
            String admin = s.keys.get("admin");
            String ingest = "{\"paths\": [\"" + file + "\"], \"public\": true}";
            Map<String, Integer> chunks = new java.util.HashMap<>();
            for (String[] v : new String[][]{{ONE, "5"}, {TWO, "9"}}) {
                s.write("rotating/handbook.md", version(v[0], Integer.parseInt(v[1])));
                assertThat(s.post(admin, "/api/ingest?wait=true", ingest).json().path("job").path("state").asText()).isEqualTo("done");
                chunks.put(v[0], s.get(admin, "/api/sources/chunks?source=" + TenantMatrixIT.enc(source)).json().path("chunks").size());
            }
            assertThat(chunks.get(ONE)).isGreaterThan(1).isNotEqualTo(chunks.get(TWO));

            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicInteger sawOne = new AtomicInteger(), sawTwo = new AtomicInteger(), reads = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                boolean asks = r == 2;
                readers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        try {
                            TestServer.Response resp = asks
                                    ? s.post(s.keys.get("reader"), "/api/ask", "{\"question\": \"What is the rotation marker of the rotating handbook?\", \"k\": 40, \"mode\": \"bm25\"}")
                                    : s.post(s.keys.get("reader"), "/api/search", "{\"query\": \"rotating handbook rotation marker paragraph\", \"k\": 40, \"mode\": \"bm25\"}");
                            if (resp.status() != 200) {
                                problems.add("status " + resp.status() + ": " + resp.body());
                                continue;
                            }
                            reads.incrementAndGet();
                            JsonNode list = asks ? resp.json().path("citations") : resp.json().path("hits");
                            int one = 0, two = 0;
                            for (JsonNode h : list) {
                                if (!h.path("source").asText().equals(source)) continue;
                                String text = h.path("text").asText();
                                if (text.contains(ONE)) one++;
                                if (text.contains(TWO)) two++;
                            }
                            if (one > 0 && two > 0) problems.add("mixed versions: " + one + " chunks of one, " + two + " of two");
                            if (!asks && one > 0 && one != chunks.get(ONE)) problems.add("version one with " + one + " of " + chunks.get(ONE) + " chunks");
                            if (!asks && two > 0 && two != chunks.get(TWO)) problems.add("version two with " + two + " of " + chunks.get(TWO) + " chunks");
                            if (!asks && one == 0 && two == 0) problems.add("the source was missing");
                            if (one > 0) sawOne.incrementAndGet();
                            if (two > 0) sawTwo.incrementAndGet();
                        } catch (Exception e) {
                            problems.add(e.toString());
                        }
                    }
                }));
            }
            for (int round = 0; round < 8; round++) {
                boolean odd = round % 2 == 0;
                s.write("rotating/handbook.md", odd ? version(ONE, 5) : version(TWO, 9));
                TestServer.Response job = s.post(admin, "/api/ingest?wait=true", ingest);
                assertThat(job.json().path("job").path("result").path("updated").asInt()).as(job.body()).isEqualTo(1);
                Thread.sleep(100);
            }
            stop.set(true);
            for (Thread t : readers) t.join(60_000);
            assertThat(problems).isEmpty();
            assertThat(reads.get()).isGreaterThan(10);
            assertThat(sawOne.get()).isPositive();
            assertThat(sawTwo.get()).isPositive();
        }
    }
}
