package io.knowhow.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Fine-tuning jobs through the API: data uploaded, progress, the tune --json result, cancel with a checkpoint, one at a time. */
class TuneApiIT {
    @TempDir
    static Path tmp;
    static TestServer s;
    static String csv;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(tmp, true, Map.of());
        StringBuilder sb = new StringBuilder("text,category\n");
        String[] refund = {"I want my money back", "please refund my order", "refund the payment", "give me a refund now",
                "can I get my money returned", "return the cash for this purchase"};
        String[] card = {"my card is lost", "I lost my credit card", "card was stolen yesterday", "someone stole my card",
                "cannot find my debit card", "my card is missing"};
        for (String t : refund) sb.append('"').append(t).append("\",refund\n");
        for (String t : card) sb.append('"').append(t).append("\",lost_card\n");
        csv = sb.toString();
    }

    @AfterAll
    static void stop() {
        if (s != null) s.close();
    }

    JsonNode job(String id) throws Exception {
        return s.get(s.keys.get("admin"), "/api/jobs/" + id).json().path("job");
    }

    @Test
    void aClassifierIsTrainedFromAnUploadThenACancelledRunStopsWithACheckpoint() throws Exception {
        TestServer.Response r = s.upload(s.keys.get("admin"), "/api/tune?wait=true", Map.of("intents.csv", csv),
                Map.of("task", "classify", "epochs", "2"), "data");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode done = r.json().path("job");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
        assertThat(done.path("result").path("task").asText()).isEqualTo("classify");
        assertThat(done.path("result").path("method").asText()).isEqualTo("frozen");
        assertThat(done.path("result").path("activated").toString()).contains("classifier.model");
        assertThat(done.path("progress").path("total").asLong()).isPositive().isEqualTo(done.path("progress").path("done").asLong());

        TestServer.Response started = s.upload(s.keys.get("admin"), "/api/tune", Map.of("intents.csv", csv),
                Map.of("task", "classify", "method", "lora", "epochs", "400", "checkpoint_every", "0"), "data");
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().path("job").path("id").asText();
        TestServer.Response second = s.upload(s.keys.get("admin"), "/api/tune", Map.of("intents.csv", csv), Map.of("task", "classify"), "data");
        assertThat(second.status()).as("one training run at a time").isEqualTo(409);
        for (int i = 0; i < 600 && job(id).path("progress").path("done").asLong() < 1; i++) Thread.sleep(100);
        assertThat(s.delete(s.keys.get("admin"), "/api/jobs/" + id).status()).isEqualTo(202);
        JsonNode end = job(id);
        for (int i = 0; i < 1200 && (end.path("state").asText().equals("running") || end.path("state").asText().equals("queued")); i++) {
            Thread.sleep(100);
            end = job(id);
        }
        assertThat(end.path("state").asText()).as(end.toString()).isEqualTo("cancelled");
        assertThat(end.path("result").path("interrupted").asBoolean()).isTrue();
        assertThat(end.path("progress").path("done").asLong()).isLessThan(end.path("progress").path("total").asLong());
    }

    @Test
    void badTuneRequestsAre400() throws Exception {
        assertThat(s.post(s.keys.get("admin"), "/api/tune", "{\"task\": \"dance\", \"data\": \"/etc/hostname\"}").body()).contains("field 'task'");
        assertThat(s.post(s.keys.get("admin"), "/api/tune", "{\"task\": \"classify\", \"data\": \"/no/such.csv\"}").body()).contains("field 'data'");
        assertThat(s.post(s.keys.get("admin"), "/api/tune", "{\"task\": \"classify\", \"data\": \"/no/such.csv\", \"epoch\": 2}").body()).contains("'epoch'");
        assertThat(s.upload(s.keys.get("admin"), "/api/tune", Map.of("x.csv", csv), Map.of("task", "classify"), "file").body()).contains("'data'");
    }
}
