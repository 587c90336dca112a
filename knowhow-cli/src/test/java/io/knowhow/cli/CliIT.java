package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line end to end, on the real parts: Tika, the bundled ONNX model, Lucene on a temp dir.
 * Each test gets its own corpus copy and knowledge base.
 */
class CliIT {
    @TempDir
    Path tmp;
    Path kb;
    Path docs;

    CommandRun run(String... args) {
        return CommandRun.inKb(kb, args);
    }

    @BeforeEach
    void corpus() throws Exception {
        kb = tmp.resolve("kb");
        docs = tmp.resolve("docs");
        DemoCommand.copyCorpus(docs);
    }

    @Test
    void ingestAskSearchUpdateDeleteRoundTrip() throws Exception {
        CommandRun ingest = run("ingest", docs.toString(), "--json");
        assertThat(ingest.status()).as(ingest.err()).isZero();
        assertThat(ingest.json().get("added").asInt()).isEqualTo(4);

        CommandRun again = run("ingest", docs.toString(), "--json");
        assertThat(again.json().get("unchanged").asInt()).isEqualTo(4);
        assertThat(again.json().get("chunks_written").asInt()).isZero();

        CommandRun ask = run("ask", "How much does the Team plan cost?", "--json");
        assertThat(ask.status()).as(ask.err()).isZero();
        JsonNode a = ask.json();
        assertThat(a.get("abstained").asBoolean()).isFalse();
        assertThat(a.get("answer").asText()).contains("$49").contains("[1]");
        assertThat(a.get("citations").get(0).get("source").asText()).endsWith("pricing.md");
        assertThat(a.get("citations").get(0).get("n").asInt()).isEqualTo(1);
        assertThat(a.get("timings_ms").has("total")).isTrue();

        CommandRun search = run("search", "port web interface", "--json", "--k", "2");
        assertThat(search.json().get("hits")).hasSize(2);
        assertThat(search.json().get("hits").get(0).get("source").asText()).endsWith("install.html");
        assertThat(search.json().get("hits").get(0).get("text").asText()).contains("8443").doesNotContain("analytics");

        Path pricing = docs.resolve("pricing.md");
        Files.writeString(pricing, Files.readString(pricing).replace("$49 per editor", "$59 per editor"));
        CommandRun update = run("ingest", pricing.toString(), "--json");
        assertThat(update.json().get("updated").asInt()).isEqualTo(1);
        assertThat(run("ask", "How much does the Team plan cost?", "--json").json().get("answer").asText()).contains("$59").doesNotContain("$49");

        CommandRun delete = run("delete", pricing.toString());
        assertThat(delete.status()).isZero();
        assertThat(run("ask", "How much does the Team plan cost?", "--json").json().get("abstained").asBoolean()).isTrue();
        assertThat(run("sources", "--json").json().get("sources")).hasSize(3);

        Files.delete(docs.resolve("changelog.md"));
        CommandRun sync = run("ingest", docs.toString(), "--json");
        assertThat(sync.json().get("removed").asInt()).isEqualTo(1);
        assertThat(sync.json().get("added").asInt()).as("pricing.md is still on disk, so syncing the folder brings it back").isEqualTo(1);
        assertThat(run("sources", "--json").json().get("sources")).extracting(n -> n.get("source").asText())
                .containsExactly(docs.resolve("install.html").toString(), pricing.toString(), docs.resolve("support-policy.txt").toString());
    }

    @Test
    void unanswerableQuestionAbstains() {
        assertThat(run("ingest", docs.toString()).status()).isZero();
        JsonNode a = run("ask", "Does Lumen integrate with Salesforce?", "--json").json();
        assertThat(a.get("abstained").asBoolean()).isTrue();
        assertThat(a.get("citations")).isEmpty();
    }

    @Test
    void badFilesAreReportedByNameAndTheRestIsIngested() throws Exception {
        Path mixed = tmp.resolve("mixed");
        Files.createDirectories(mixed);
        Files.writeString(mixed.resolve("good.txt"), "The cafeteria opens at eight o'clock every weekday morning.");
        Files.write(mixed.resolve("empty.txt"), new byte[0]);
        Files.write(mixed.resolve("broken.pdf"), "%PDF-1.7 this is not really a pdf".getBytes(StandardCharsets.US_ASCII));
        Path otherKb = tmp.resolve("kb-mixed");

        CommandRun r = runWithKb(otherKb, "ingest", mixed.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("empty.txt").contains("broken.pdf");
        assertThat(r.out()).contains("1 added").contains("2 failed");
        assertThat(runWithKb(otherKb, "ask", "When does the cafeteria open?").out()).contains("eight o'clock");
    }

    @Test
    void readingCommandsOnAMissingKnowledgeBaseSayWhatToDo() {
        CommandRun r = runWithKb(tmp.resolve("nowhere"), "sources");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no knowledge base").contains("knowhow ingest");
        assertThat(Files.exists(tmp.resolve("nowhere"))).isFalse();
    }

    @Test
    void configRejectsUnknownKeysAndPersistsKnownOnes() {
        Path cfgKb = tmp.resolve("kb-config");
        assertThat(runWithKb(cfgKb, "config", "set", "ask.k", "7").status()).isZero();
        assertThat(runWithKb(cfgKb, "config").out()).contains("ask.k: 7");
        CommandRun bad = runWithKb(cfgKb, "config", "set", "ask.kk", "7");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown config key 'ask.kk'");
    }

    @Test
    void changingTheEmbeddingModelIsRefusedUntilReindexReembedsTheChunks() {
        assertThat(run("ingest", docs.toString()).status()).isZero();
        assertThat(run("config", "set", "embedder.model", "bge-small-en-v1.5-q").status()).isZero();

        CommandRun refused = run("ask", "Which port does the web interface use?");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("all-minilm-l6-v2-q").contains("bge-small-en-v1.5-q").contains("knowhow reindex");

        CommandRun reindex = run("reindex");
        assertThat(reindex.status()).as(reindex.err()).isZero();
        assertThat(reindex.out()).contains("Re-embedded 10 chunks");
        CommandRun ask = run("ask", "Which port does the web interface use?", "--json");
        assertThat(ask.status()).as(ask.err()).isZero();
        assertThat(ask.json().get("answer").asText()).contains("8443");
        assertThat(run("reindex").out()).contains("nothing to do");
    }

    @Test
    void aRetrievalTunedEncoderBecomesTheEmbedderAfterReindex() throws Exception {
        assertThat(run("ingest", docs.toString()).status()).isZero();
        Path pairs = tmp.resolve("pairs.jsonl");
        Files.writeString(pairs, String.join("\n",
                "{\"query\": \"what does the team plan cost\", \"passage\": \"The Team plan costs $49 per editor per month.\"}",
                "{\"query\": \"which port is the web ui on\", \"passage\": \"The web interface listens on port 8443 over HTTPS.\"}",
                "{\"query\": \"how fast is enterprise support\", \"passage\": \"Enterprise customers get a first response within four hours.\"}",
                "{\"query\": \"what came in 3.2\", \"passage\": \"Version 3.2 added real-time co-editing of pages and a dark theme.\"}") + "\n");

        CommandRun tune = run("tune", "--task", "embed", pairs.toString(), "--epochs", "1", "--json");
        assertThat(tune.status()).as(tune.err()).isZero();
        assertThat(Path.of(tune.json().get("artifact").asText())).isDirectory();

        assertThat(run("ask", "Which port does the web interface use?").err()).contains("knowhow reindex");
        CommandRun reindex = run("reindex");
        assertThat(reindex.status()).as(reindex.err()).isZero();
        JsonNode answer = run("ask", "Which port does the web interface use?", "--json").json();
        assertThat(answer.get("answer").asText()).contains("8443");
    }

    private CommandRun runWithKb(Path otherKb, String... args) {
        Path saved = kb;
        kb = otherKb;
        try {
            return run(args);
        } finally {
            kb = saved;
        }
    }
}
