package io.knowhow.eval.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.model.Answer;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.qa.QaCase;
import io.knowhow.eval.report.JsonReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The comparison's aggregation, on scripted answers whose metrics are computed by hand in each test. */
class ComparisonTest {
    static final QaCase PRICE = new QaCase(1, "price", "How much is Team?", List.of("$49"), List.of("pricing.md"), false, null);
    static final QaCase PORT = new QaCase(2, "port", "Which port?", List.of("8443"), List.of("install.html"), false, null);
    static final QaCase SF = new QaCase(3, "sf", "Salesforce?", List.of(), List.of(), true, null);
    static final QaCase FAILS = new QaCase(4, "fails", "Breaks the model?", List.of("x"), List.of(), false, null);
    static final List<QaCase> CASES = List.of(PRICE, PORT, SF, FAILS);

    static FakeTarget scripted() {
        FakeTarget t = new FakeTarget();
        t.unavailable.put(Strategy.TUNED, "no fine-tuned model: run `knowhow tune` first");
        t.unavailable.put(Strategy.TUNED_RAG, "no fine-tuned model: run `knowhow tune` first");
        t.unavailable.put(Strategy.FULL_CONTEXT, "no knowledge base");
        t.answers = (q, s) -> {
            if (q.equals(FAILS.question())) throw new IllegalStateException("the LLM answered 500");
            if (s == Strategy.RAG) {
                if (q.equals(PRICE.question())) return FakeTarget.answer("The Team plan costs $49 per editor [1].", "/kb/pricing.md");
                if (q.equals(PORT.question())) return FakeTarget.answer("Port 8443 [1][2].", "/kb/install.html", "/kb/pricing.md");
                return FakeTarget.abstention();
            }
            // prompt-only: right price from memory, a wrong port, and an answer where it should abstain
            if (q.equals(PRICE.question())) return FakeTarget.answer("It costs $49.");
            if (q.equals(PORT.question())) return FakeTarget.unsupported("Port 8080.", "Port 8080.");
            return FakeTarget.answer("Yes, through the Salesforce connector.");
        };
        t.rankings.put(PRICE.question(), List.of("/kb/pricing.md", "/kb/install.html"));
        t.rankings.put(PORT.question(), List.of("/kb/pricing.md", "/kb/install.html"));
        return t;
    }

    static ComparisonReport run(FakeTarget t, CompareRequest r) {
        return new Comparison(t, 1, Optional.empty(), () -> {
            throw new AssertionError("no update");
        }).run(r, Comparison.Progress.NONE);
    }

    @Test
    void metricsAreAggregatedAsComputedByHand() {
        ComparisonReport r = run(scripted(), CompareRequest.of(CASES));
        StrategyReport rag = r.strategy("rag").orElseThrow();
        Metrics m = rag.metrics();
        // 4 cases, FAILS unscored: 3 scored. price right, port right, sf correctly abstained → accuracy 3/3
        assertThat(m.cases()).isEqualTo(4);
        assertThat(m.scored()).isEqualTo(3);
        assertThat(m.unscored()).isEqualTo(1);
        assertThat(m.unscoredReasons()).containsEntry("the LLM answered 500", 1);
        assertThat(m.accuracy()).isEqualTo(1.0);
        // EM over price, port (sf has no answers): "The Team plan costs $49 per editor" ≠ "$49"; "Port 8443" ≠ "8443" → 0
        assertThat(m.exactMatch()).isEqualTo(0.0);
        // F1: price: 1 common of 6 predicted tokens ("team plan costs 49 per editor") vs 1 gold → P 1/6, R 1 → 2/7 = 0.2857;
        //     port: "port 8443" vs "8443" → P 1/2, R 1 → 2/3; mean = (0.2857 + 0.6667) / 2 = 0.4762
        assertThat(m.f1()).isEqualTo(0.4762);
        assertThat(m.hallucinationRate()).isEqualTo(0.0);
        assertThat(m.abstentionRate()).isEqualTo(0.3333);
        // citations: price cites pricing (P 1, R 1); port cites install + pricing (P 0.5, R 1) → P 0.75, R 1
        assertThat(m.citationPrecision()).isEqualTo(0.75);
        assertThat(m.citationRecall()).isEqualTo(1.0);
        assertThat(m.formatAdherence()).isNull();
        // tokens: 120 per answered case, 0 for the abstention → 240 / 3 × 1000 = 80,000
        assertThat(m.tokensPer1k()).isEqualTo(80_000.0);
        assertThat(m.costPer1k()).isEqualTo(1.3333);

        Metrics po = r.strategy("prompt-only").orElseThrow().metrics();
        // price right (1), port wrong, sf answered where it should abstain → accuracy 1/3; hallucinated: port (unsupported), sf → 2/3
        assertThat(po.accuracy()).isEqualTo(0.3333);
        assertThat(po.hallucinationRate()).isEqualTo(0.6667);
        assertThat(po.abstentionRate()).isEqualTo(0.0);
        // nothing cited: precision undefined, recall 0 on the two cases with sources
        assertThat(po.citationPrecision()).isNull();
        assertThat(po.citationRecall()).isEqualTo(0.0);

        // retrieval at k = 1: price ranks pricing first (recall 1, RR 1), port ranks install second (recall@1 0, RR 0.5)
        assertThat(r.retrieval().questions()).isEqualTo(2);
        assertThat(r.retrieval().recallAtK()).isEqualTo(0.5);
        assertThat(r.retrieval().mrr()).isEqualTo(0.75);
    }

    @Test
    void unavailableStrategiesAreListedWithTheirReasonAndNeverAsked() {
        FakeTarget t = scripted();
        ComparisonReport r = run(t, CompareRequest.of(CASES));
        assertThat(r.strategies()).extracting(StrategyReport::strategy).containsExactly("rag", "full-context", "prompt-only", "tuned", "tuned-rag");
        StrategyReport tuned = r.strategy("tuned").orElseThrow();
        assertThat(tuned.available()).isFalse();
        assertThat(tuned.reason()).contains("run `knowhow tune`");
        assertThat(tuned.metrics()).isNull();
        assertThat(t.asked).noneMatch(a -> a.startsWith("tuned") || a.startsWith("full-context"));
        JsonNode json = JsonReport.comparison(r, null);
        assertThat(json.get("strategies").get(3).get("available").asBoolean()).isFalse();
        assertThat(json.get("strategies").get(3).has("metrics")).isFalse();
    }

    @Test
    void theSameInputsGiveByteIdenticalMetricsRunAfterRun() throws Exception {
        String first = deterministic(run(scripted(), CompareRequest.of(CASES)));
        String second = deterministic(run(scripted(), CompareRequest.of(CASES)));
        assertThat(second).isEqualTo(first);
        assertThat(first).doesNotContain("NaN");
    }

    /** The JSON report without the fields it marks as nondeterministic (latency). */
    static String deterministic(ComparisonReport r) throws Exception {
        ObjectNode json = JsonReport.comparison(r, null);
        for (JsonNode s : json.get("strategies")) {
            if (!s.has("metrics")) continue;
            for (JsonNode f : s.get("nondeterministic")) ((ObjectNode) s.get("metrics")).remove(f.asText());
            for (JsonNode c : s.get("cases")) ((ObjectNode) c).remove("latency_ms");
        }
        return JsonViews.pretty(new ObjectMapper().readTree(json.toString()));
    }

    @Test
    void repeatsReportSpreadAndPassAll() {
        FakeTarget t = scripted();
        AtomicInteger calls = new AtomicInteger();
        // a flaky generator: the price is right on every other call
        t.answers = (q, s) -> q.equals(PRICE.question()) && calls.getAndIncrement() % 2 == 1 ? FakeTarget.answer("$59") : FakeTarget.answer("$49 and 8443");
        CompareRequest r = new CompareRequest(List.of(PRICE, PORT), List.of(Strategy.RAG), 4, Optional.empty(), List.of());
        StrategyReport rag = run(t, r).strategy("rag").orElseThrow();
        // the warm-up takes call 0; runs see calls 1 (wrong), 2 (right), 3 (wrong), 4 (right): accuracy 0.5, 1, 0.5, 1
        assertThat(rag.repeats().runs()).isEqualTo(4);
        assertThat(rag.repeats().mean().get("accuracy")).isEqualTo(0.75);
        assertThat(rag.repeats().min().get("accuracy")).isEqualTo(0.5);
        assertThat(rag.repeats().max().get("accuracy")).isEqualTo(1.0);
        assertThat(rag.repeats().stddev().get("accuracy")).isEqualTo(0.2887); // sqrt(4 × 0.0625 / 3)
        // pass^4: the port case right in all 4 runs, the price case not → 1/2
        assertThat(rag.repeats().passAll()).isEqualTo(0.5);
        assertThat(rag.cases()).hasSize(8);
    }

    @Test
    void failUnderChecksEveryAvailableStrategy() {
        ComparisonReport r = run(scripted(), CompareRequest.of(CASES));
        assertThat(Thresholds.parse("accuracy=0.9").failures(r)).containsExactly("prompt-only: accuracy 0.3333 < 0.9");
        assertThat(Thresholds.parse("accuracy>=0.3, hallucination_rate<=0.7").failures(r)).isEmpty();
        assertThat(Thresholds.parse("format_adherence=0.5").failures(r)).hasSize(2).allMatch(f -> f.contains("undefined"));
        assertThatThrownBy(() -> Thresholds.parse("acuracy=0.8")).hasMessageContaining("unknown metric 'acuracy'");
        assertThatThrownBy(() -> Thresholds.parse("accuracy=high")).hasMessageContaining("not a number");
    }

    @Test
    void anUpdateIsAskedBeforeAndAfterInTheSandbox() {
        FakeTarget before = scripted();
        FakeTarget after = scripted();
        QaCase changed = new QaCase(1, "price-after", "How much is Team?", List.of("$59"), List.of("pricing.md"), false, null);
        after.answers = (q, s) -> s == Strategy.RAG ? FakeTarget.answer("$59 [1]", "/kb/pricing.md") : FakeTarget.answer("$49");
        boolean[] closed = {false};
        UpdateSandbox box = new UpdateSandbox() {
            @Override
            public EvalTarget target() {
                return after;
            }

            @Override
            public double applyUpdate() {
                return 0.25;
            }

            @Override
            public String description() {
                return "replaced pricing.md";
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        CompareRequest req = new CompareRequest(List.of(PRICE), List.of(Strategy.RAG, Strategy.PROMPT_ONLY), 1,
                Optional.of(java.nio.file.Path.of("update")), List.of(changed));
        ComparisonReport r = new Comparison(before, 5, Optional.empty(), () -> box).run(req, Comparison.Progress.NONE);
        Freshness rag = r.strategy("rag").orElseThrow().freshness();
        assertThat(rag.accuracyBefore()).isEqualTo(0.0);
        assertThat(rag.accuracyAfter()).isEqualTo(1.0);
        assertThat(rag.visibleSeconds()).isBetween(0.25, 5.0);
        Freshness po = r.strategy("prompt-only").orElseThrow().freshness();
        assertThat(po.accuracyAfter()).isEqualTo(0.0);
        assertThat(po.visibleSeconds()).isNull();
        assertThat(r.update()).isEqualTo("replaced pricing.md");
        assertThat(closed[0]).isTrue();
    }

    @Test
    void schemaCasesScoreFormatAdherence() throws Exception {
        var schema = new ObjectMapper().readTree("{\"type\":\"object\",\"required\":[\"plan\"]}");
        QaCase json = new QaCase(1, "json", "As JSON", List.of(), List.of(), false, schema);
        QaCase broken = new QaCase(2, "broken", "Broken schema", List.of(), List.of(), false, new ObjectMapper().readTree("{\"type\": 12}"));
        FakeTarget t = scripted();
        t.answers = (q, s) -> q.equals("As JSON") ? FakeTarget.answer(s == Strategy.RAG ? "{\"plan\": \"Team\"}" : "Team") : FakeTarget.answer("x");
        ComparisonReport r = run(t, new CompareRequest(List.of(json, broken), List.of(Strategy.RAG, Strategy.PROMPT_ONLY), 1, Optional.empty(), List.of()));
        assertThat(r.strategy("rag").orElseThrow().metrics().formatAdherence()).isEqualTo(1.0);
        assertThat(r.strategy("rag").orElseThrow().metrics().accuracy()).isEqualTo(1.0);
        assertThat(r.strategy("prompt-only").orElseThrow().metrics().formatAdherence()).isEqualTo(0.0);
        assertThat(r.strategy("rag").orElseThrow().metrics().unscored()).isEqualTo(1);
        assertThat(r.strategy("rag").orElseThrow().metrics().unscoredReasons().keySet()).allMatch(k -> k.startsWith("schema:"));
    }

    @Test
    void anAbstentionIsNotAHallucination() {
        Answer a = FakeTarget.abstention();
        CaseResult c = new CaseScorer(scripted()).score(PRICE, Strategy.RAG, 0, a, 1);
        assertThat(c.correct()).isFalse();
        assertThat(c.hallucinated()).isFalse();
        assertThat(c.exactMatch()).isZero();
        assertThat(c.citationRecall()).isZero();
        assertThat(c.citationPrecision()).isNull();
    }
}
