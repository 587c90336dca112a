package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `eval compare` and `advise` end to end on the demo knowledge base, with the demo's shipped QA set. */
class EvalCliTest {
    @TempDir
    Path tmp;
    Path kb;
    Path eval;

    CommandRun run(String... args) {
        return CommandRun.inKb(kb, args);
    }

    @BeforeEach
    void demo() throws Exception {
        kb = tmp.resolve("kb");
        Path docs = tmp.resolve("docs");
        DemoCommand.copyCorpus(docs);
        eval = tmp.resolve("eval");
        DemoCommand.copyEvalSet(eval);
        assertThat(run("ingest", docs.toString()).status()).isZero();
    }

    @Test
    void compareScoresTheDemoSetIdenticallyTwiceAndLeavesTheKnowledgeBaseAlone() throws Exception {
        String qa = eval.resolve("qa.jsonl").toString();
        CommandRun first = run("eval", "compare", "--qa", qa, "--update", eval.resolve("update").toString(),
                "--update-qa", eval.resolve("update-qa.jsonl").toString(), "--json");
        assertThat(first.status()).as(first.err()).isZero();
        JsonNode j = first.json();
        assertThat(j.get("questions").asInt()).isEqualTo(14);
        JsonNode rag = j.get("strategies").get(0);
        assertThat(rag.get("strategy").asText()).isEqualTo("rag");
        assertThat(rag.get("available").asBoolean()).isTrue();
        assertThat(rag.get("metrics").get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.85);
        assertThat(rag.get("metrics").get("hallucination_rate").asDouble()).isZero();
        assertThat(rag.get("metrics").get("citation_recall").asDouble()).isGreaterThan(0.8);
        assertThat(rag.get("metrics").get("format_adherence").asDouble()).as("the extractive generator writes no JSON").isZero();
        assertThat(rag.get("metrics").has("latency_ms_p50")).isTrue();
        assertThat(rag.get("freshness").get("accuracy_before").asDouble()).isZero();
        assertThat(rag.get("freshness").get("accuracy_after").asDouble()).isEqualTo(1.0);
        JsonNode promptOnly = j.get("strategies").get(2);
        assertThat(promptOnly.get("available").asBoolean()).isFalse();
        assertThat(promptOnly.get("reason").asText()).contains("no LLM configured");
        assertThat(j.get("strategies").get(3).get("reason").asText()).contains("no fine-tuned model");
        assertThat(j.get("update").asText()).contains("replaced pricing.md").contains("yours is unchanged");

        // the user's knowledge base still answers $49: the update went into a copy
        CommandRun ask = run("ask", "How much does the Team plan cost?", "--json");
        assertThat(ask.json().get("answer").asText()).contains("$49");

        CommandRun second = run("eval", "compare", "--qa", qa, "--update", eval.resolve("update").toString(),
                "--update-qa", eval.resolve("update-qa.jsonl").toString(), "--json");
        assertThat(deterministic(second.json())).isEqualTo(deterministic(j));
    }

    private static String deterministic(JsonNode report) {
        JsonNode copy = report.deepCopy();
        for (JsonNode s : copy.get("strategies")) {
            if (!s.has("metrics")) continue;
            for (JsonNode f : s.get("nondeterministic")) ((ObjectNode) s.get("metrics")).remove(f.asText());
            for (JsonNode c : s.get("cases")) ((ObjectNode) c).remove("latency_ms");
            if (s.has("freshness")) ((ObjectNode) s.get("freshness")).remove("visible_after_s");
        }
        return JsonViews.pretty(copy);
    }

    @Test
    void outWritesThreeReportsAndFailUnderSetsTheExitStatus() throws Exception {
        Path out = tmp.resolve("report");
        CommandRun r = run("eval", "compare", "--qa", eval.resolve("qa.jsonl").toString(), "--strategies", "rag", "--out", out.toString(),
                "--fail-under", "accuracy=0.99");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--fail-under: rag: accuracy");
        assertThat(r.out()).contains("rag").contains("retrieval (12 questions with sources)");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("report.html", "report.json", "report.md");
        }
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| Knowledge freshness | Real-time (update vector DB anytime) | Stale (retrain to update) |")
                .contains("## Advice:");
        CommandRun pass = run("eval", "compare", "--qa", eval.resolve("qa.jsonl").toString(), "--strategies", "rag",
                "--fail-under", "accuracy=0.8,hallucination_rate<=0.05");
        assertThat(pass.status()).as(pass.err()).isZero();
        assertThat(pass.out()).contains("passed");
    }

    @Test
    void dryRunAsksNothingAndBadFilesAreNamedByLineAndField() throws Exception {
        CommandRun dry = run("eval", "compare", "--qa", eval.resolve("qa.jsonl").toString(), "--dry-run", "--json");
        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(dry.json().get("questions").asInt()).isEqualTo(14);
        JsonNode rag = dry.json().get("strategies").get(0);
        assertThat(rag.get("model_reads_tokens").asBoolean()).as("no LLM: the extractive generator spends nothing").isFalse();
        assertThat(rag.get("estimated_cost").asDouble()).isZero();
        // 14 questions, each its own tokens + the system prompt + 5 chunks of evidence: thousands, not zero
        assertThat(rag.get("estimated_prompt_tokens").asLong()).isBetween(1_000L, 100_000L);
        assertThat(dry.json().get("strategies").get(2).get("available").asBoolean()).isFalse();

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"question\": \"q\", \"answers\": [\"a\"]}\n{\"question\": \"r\", \"answer\": \"b\"}\n");
        CommandRun r = run("eval", "compare", "--qa", bad.toString(), "--json");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.json().get("error").get("message").asText()).contains(bad + ":2").contains("field 'answer'");

        CommandRun usage = run("eval", "compare", "--qa", bad.toString(), "--update", tmp.toString());
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("--update DIR and --update-qa FILE go together");
    }

    @Test
    void adviseWalksTheFiveStepsWithMeasuredAndGivenAnswers() throws Exception {
        Path pairs = tmp.resolve("intents.csv");
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 40; i++) csv.append("message ").append(i).append(',').append(i % 2 == 0 ? "refund" : "billing").append('\n');
        Files.writeString(pairs, csv);
        CommandRun r = run("advise", "--changes", "weekly", "--pairs", pairs.toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode a = r.json();
        assertThat(a.get("recommendation").asText()).isEqualTo("rag");
        assertThat(a.get("also").toString()).contains("fine-tuning").contains("full-context");
        JsonNode steps = a.get("steps");
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0).get("answer").asText()).isEqualTo("yes");
        assertThat(steps.get(0).get("measured").asBoolean()).isFalse();
        assertThat(steps.get(2).get("answer").asText()).isEqualTo("yes");
        assertThat(steps.get(2).get("measured").asBoolean()).isTrue();
        assertThat(steps.get(2).get("reason").asText()).contains("40 labelled pairs, 2 distinct outputs");
        assertThat(steps.get(4).get("measured").asBoolean()).isTrue();
        assertThat(a.get("corpus").get("tokens").asLong()).isBetween(300L, 500L);
        JsonNode costs = a.get("costs");
        assertThat(costs.get("approaches").get("rag").get("low").asDouble()).isPositive();
        assertThat(costs.get("assumptions").get("labelled_pairs").get("low").asDouble()).isEqualTo(40);
        assertThat(costs.get("assumptions").get("embedding_per_million_tokens").get("basis").asText()).isEqualTo("measured");
        assertThat(costs.get("break_even").get("sentence").asText()).contains("re-training");

        CommandRun text = run("advise", "--cite", "no", "--changes", "never", "--fixed-format", "no", "--baseline-wrong", "no");
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("Recommendation: full-context  (also: prompt-engineering)")
                .contains("5. Is your full knowledge corpus under 2 million tokens?  yes  [measured]").contains("Cost over 12 months");

        CommandRun wrong = run("advise", "--cite", "maybe");
        assertThat(wrong.status()).isEqualTo(2);
        assertThat(wrong.err()).contains("--cite must be yes or no");
    }

    @Test
    void adviseMeasuresStepFourFromAQaFileAndSaysWhyWhenItCannot() {
        CommandRun r = run("advise", "--qa", eval.resolve("qa.jsonl").toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode step4 = r.json().get("steps").get(3);
        assertThat(step4.get("answer").asText()).isEqualTo("unknown");
        assertThat(step4.get("reason").asText()).contains("prompt-only could not be measured").contains("no LLM configured");
    }
}
