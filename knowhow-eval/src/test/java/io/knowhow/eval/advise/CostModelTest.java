package io.knowhow.eval.advise;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The cost arithmetic on a case computed by hand (see each comment). */
class CostModelTest {
    // 1M corpus tokens, 2 changes a month, 1,000 questions a month, 10 months, 500 evidence tokens, 100 question tokens
    static final CostInputs IN = new CostInputs(1_000_000, 2, 1_000, 10, 500, 100, "given");
    static final CostAssumptions A = new CostAssumptions(
            Price.of(10, 100, "reference", ""), Price.of(1_000, 1_000, "given", ""), Price.of(0.5, 1, "assumption", ""),
            Price.of(0.01, 0.10, "reference", ""), Price.of(50, 300, "reference", ""), Price.of(100, 100, "measured", ""),
            Price.of(1, 2, "assumption", ""), Price.of(0.36, 0.36, "assumption", ""));

    @Test
    void ragAddsEmbeddingStoreRetrievalAndEvidence() {
        CostModel.Estimate rag = CostModel.rag(IN, A);
        // embedding: 1M tokens × (1 + 2 × 10) = 21 M tokens × $0.01–0.10 = 0.21–2.10
        assertThat(rag.lines().get(0).usd().low()).isCloseTo(0.21, within(1e-9));
        assertThat(rag.lines().get(0).usd().high()).isCloseTo(2.10, within(1e-9));
        // store: 10 months × 50–300 = 500–3,000
        assertThat(rag.lines().get(1).usd()).isEqualTo(new Range(500, 3000));
        // retrieval: 10,000 queries × 100 ms = 1,000 s = 0.2778 h × $0.36 = $0.10
        assertThat(rag.lines().get(2).usd().low()).isCloseTo(0.10, within(1e-9));
        // evidence: 10,000 × 500 = 5 M tokens × $1–2 = 5–10; questions: 1 M tokens × $1–2 = 1–2
        assertThat(rag.lines().get(3).usd().low()).isCloseTo(5, within(1e-9));
        assertThat(rag.lines().get(4).usd().high()).isCloseTo(2, within(1e-9));
        assertThat(rag.total().low()).isCloseTo(506.31, within(1e-9));
        assertThat(rag.total().high()).isCloseTo(3014.2, within(1e-9));
    }

    @Test
    void fineTuningPaysATrainingRunPerChange() {
        CostModel.Estimate ft = CostModel.fineTuning(IN, A);
        // 1 + 2 × 10 = 21 runs × $10–100 = 210–2,100; 1,000 pairs × $0.5–1 = 500–1,000; questions 1–2
        assertThat(ft.lines().get(0).usd()).isEqualTo(new Range(210, 2100));
        assertThat(ft.lines().get(1).usd()).isEqualTo(new Range(500, 1000));
        assertThat(ft.total().low()).isCloseTo(711, within(1e-9));
        assertThat(ft.total().high()).isCloseTo(3102, within(1e-9));
    }

    @Test
    void fullContextPutsTheCorpusInEveryPrompt() {
        // 10,000 queries × 1M tokens = 10,000 M tokens × $1–2, plus questions 1–2
        CostModel.Estimate fc = CostModel.fullContext(IN, A);
        assertThat(fc.total().low()).isCloseTo(10_001, within(1e-6));
        assertThat(fc.total().high()).isCloseTo(20_002, within(1e-6));
    }

    @Test
    void hybridIsRagPlusOneTrainingRunAndThePairs() {
        CostModel.Estimate h = CostModel.hybrid(IN, A);
        // 10–100 + 500–1,000 + RAG 506.31–3,014.2
        assertThat(h.total().low()).isCloseTo(1016.31, within(1e-9));
        assertThat(h.total().high()).isCloseTo(4114.2, within(1e-9));
    }

    @Test
    void breakEvenSolvesTheTwoLinesForTheChangeRate() {
        CostModel.BreakEven be = CostModel.breakEven(IN, A);
        // low prices, no changes: RAG 0.01 + 500 + 0.1 + 5 + 1 = 506.11 < fine-tuning 10 + 500 + 1 = 511 → RAG cheaper at any rate
        assertThat(be.low()).contains(0.0);
        // high prices: RAG(0) = 0.1 + 3,000 + 0.1 + 10 + 2 = 3,012.2, each change a month adds 0.10 × 10 = 1.0;
        // fine-tuning(0) = 100 + 1,000 + 2 = 1,102, each change a month adds 100 × 10 = 1,000 → c = 1,910.2 / 999
        assertThat(be.high().orElseThrow()).isCloseTo(1910.2 / 999, within(1e-9));
        assertThat(be.sentence()).contains("any change rate").contains("1.91 changes a month or more").contains("10 months");
    }

    @Test
    void reTrainingCanStayCheaper() {
        CostAssumptions freeTraining = new CostAssumptions(Price.of(0, 0, "config", ""), A.labelledPairs(), Price.of(0, 0, "config", ""),
                A.embeddingPerMillion(), A.vectorDbPerMonth(), A.retrievalMs(), A.promptPerMillion(), A.cpuHour());
        CostModel.BreakEven be = CostModel.breakEven(IN, freeTraining);
        assertThat(be.low()).isEmpty();
        assertThat(be.sentence()).startsWith("Re-training costs less than RAG at any change rate");
    }

    @Test
    void dollarsPrintAsRanges() {
        assertThat(CostModel.usd(new Range(0.21, 2.1))).isEqualTo("$0.21–2.10");
        assertThat(CostModel.usd(new Range(500, 3000))).isEqualTo("$500–3,000");
        assertThat(CostModel.usd(Range.of(12.5))).isEqualTo("$12.50");
    }
}
