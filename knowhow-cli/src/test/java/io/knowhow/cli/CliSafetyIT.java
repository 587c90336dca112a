package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the command line must never do: print a secret, make restricted text public by omission, or pass terminal control through. */
class CliSafetyIT {
    @TempDir
    Path tmp;

    private CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void aLinkOutOfTheNamedFolderIsSkippedAndListedUntilFollowLinksIsGiven() throws Exception {
        String kb = tmp.resolve("kb").toString();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Path secret = Files.writeString(Files.createDirectories(tmp.resolve("private")).resolve("passwd.txt"), "root:x:0:0 the password file");
        Files.writeString(docs.resolve("a.txt"), "The cafeteria opens at eight.");
        Path link = Files.createSymbolicLink(docs.resolve("passwd.txt"), secret);

        CommandRun listed = run("--kb", kb, "ingest", docs.toString(), "--list-skipped");
        assertThat(listed.status()).isZero();
        assertThat(listed.err()).contains("skipped: " + link + " (symbolic link to " + secret.toRealPath() + ", outside the folders");
        JsonNode json = run("--kb", kb, "ingest", docs.toString(), "--json").json();
        assertThat(json.toString()).contains("\"skipped\"").contains(link.toString());
        assertThat(run("--kb", kb, "search", "password file", "--json").out()).doesNotContain("root:x:0:0");

        assertThat(run("--kb", kb, "ingest", docs.toString(), "--follow-links").status()).isZero();
        assertThat(run("--kb", kb, "search", "password file", "--json", "--all-groups").out()).contains("root:x:0:0");
    }

    @Test
    void theLlmKeyIsNeverPrintedByAnyCommandOrError() throws Exception {
        String kb = tmp.resolve("kb").toString();
        String key = "sk-live-DO-NOT-PRINT-4242";
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("a.txt"), "The cafeteria opens at eight.");
        assertThat(run("--kb", kb, "ingest", docs.toString()).status()).isZero();
        assertThat(run("--kb", kb, "config", "set", "llm.base-url", "http://127.0.0.1:9/v1").status()).isZero();
        assertThat(run("--kb", kb, "config", "set", "llm.model", "m").status()).isZero();
        assertThat(run("--kb", kb, "config", "set", "llm.connect-timeout-seconds", "1").status()).isZero();
        assertThat(run("--kb", kb, "config", "set", "llm.max-retries", "0").status()).isZero();
        CommandRun set = run("--kb", kb, "config", "set", "llm.api-key", key);
        assertThat(set.status()).isZero();
        assertThat(set.err()).as("a hint about the shell history").contains("standard input");

        for (String[] args : new String[][] {
                {"--kb", kb, "config"}, {"--kb", kb, "config", "--json"}, {"--kb", kb, "--verbose", "config"},
                {"--kb", kb, "ask", "When does the cafeteria open?"}, {"--kb", kb, "ask", "When does the cafeteria open?", "--json"},
                {"--kb", kb, "--verbose", "ask", "When does the cafeteria open?"},
                {"--kb", kb, "--verbose", "ask", "When does the cafeteria open?", "--stream"},
                {"--kb", kb, "config", "set", "llm.temperature", "9"}}) {
            CommandRun r = run(args);
            assertThat(r.out() + r.err()).as(String.join(" ", args)).doesNotContain(key).doesNotContain("DO-NOT-PRINT");
        }
        CommandRun failed = run("--kb", kb, "ask", "When does the cafeteria open?", "--json");
        assertThat(failed.status()).as("the LLM endpoint is closed").isEqualTo(1);
        assertThat(failed.json().get("error").get("message").asText()).contains("127.0.0.1:9");
    }

    @Test
    void aReingestWithoutGroupKeepsAFileRestrictedAndPublicIsExplicit() throws Exception {
        String kb = tmp.resolve("kb").toString();
        Path hr = Files.createDirectories(tmp.resolve("hr"));
        Files.writeString(hr.resolve("salaries.txt"), "The head of sales earns 250,000 euros a year.");
        assertThat(run("--kb", kb, "ingest", hr.toString(), "--group", "hr").status()).isZero();

        CommandRun again = run("--kb", kb, "ingest", hr.toString(), "--json");
        assertThat(again.json().get("unchanged").asInt()).isEqualTo(1);
        assertThat(run("--kb", kb, "ask", "How much does the head of sales earn?", "--json").json().get("answer").asText())
                .doesNotContain("250,000");
        assertThat(run("--kb", kb, "sources", "--json").json().get("sources")).as("hidden from an anonymous reader").isEmpty();
        assertThat(run("--kb", kb, "sources", "--as-group", "hr", "--json").json().get("sources")).hasSize(1);

        assertThat(run("--kb", kb, "ingest", hr.toString(), "--public", "--group", "hr").status()).isEqualTo(2);
        assertThat(run("--kb", kb, "ingest", hr.toString(), "--public").status()).isZero();
        assertThat(run("--kb", kb, "ask", "How much does the head of sales earn?", "--json").json().get("answer").asText()).contains("250,000");
    }

    @Test
    void controlCharactersInNamesAndTextAreShownEscaped() throws Exception {
        String kb = tmp.resolve("kb").toString();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Path odd = docs.resolve("evil\n\u001b[2Jforged line.txt");
        Files.writeString(odd, "The vault code policy is reviewed \u001b]0;pwned\u0007 every year.");
        assertThat(run("--kb", kb, "ingest", docs.toString()).status()).isZero();

        CommandRun sources = run("--kb", kb, "sources");
        assertThat(sources.out()).doesNotContain("\u001b").contains("evil\\n\\u001b[2Jforged line.txt");
        CommandRun search = run("--kb", kb, "search", "vault code policy");
        assertThat(search.out()).as("control characters in text are cleaned at ingest").doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("vault code policy");
        JsonNode json = run("--kb", kb, "search", "vault code policy", "--json").json();
        assertThat(json.get("hits").get(0).get("source").asText()).as("JSON keeps the name exactly (escaped by the encoder)")
                .contains("evil\n\u001b[2Jforged");
    }

    @Test
    void aSecondWriterWaitsAsLongAsToldThenReportsTheKnowledgeBaseBusyAndReadersNeverWait() throws Exception {
        String kb = tmp.resolve("kb").toString();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("a.txt"), "The cafeteria opens at eight.");
        Files.writeString(docs.resolve("b.txt"), "The library opens at nine.");
        assertThat(run("--kb", kb, "ingest", docs.toString()).status()).isZero();
        io.knowhow.store.lucene.LuceneStoreProvider provider = new io.knowhow.store.lucene.LuceneStoreProvider();
        io.knowhow.core.port.StoreLocation location = io.knowhow.core.port.StoreLocation.of(Path.of(kb));
        io.knowhow.core.port.KnowledgeStore writer = provider.openForWriting(location, provider.existing(location).orElseThrow(),
                java.time.Duration.ZERO);
        try {
            CommandRun busy = run("--kb", kb, "--wait", "0", "delete", docs.resolve("a.txt").toString(), "--json");
            assertThat(busy.status()).isEqualTo(1);
            assertThat(busy.json().get("error").get("code").asText()).isEqualTo("busy");
            assertThat(run("--kb", kb, "ask", "When does the cafeteria open?", "--json").json().get("answer").asText())
                    .as("a reader does not wait for the writer").contains("eight");

            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                writer.close();
            });
            release.start();
            CommandRun waited = run("--kb", kb, "--wait", "60", "delete", docs.resolve("a.txt").toString());
            release.join();
            assertThat(waited.status()).as(waited.err()).isZero();
            assertThat(waited.err()).contains("is busy").contains("waiting up to 60 s");
        } finally {
            writer.close();
        }
    }
}
