package io.knowhow.eval.advise;

import io.knowhow.core.model.SourceChange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdvisorTest {
    static final CostModel.Table COSTS = CostModel.table(CostModelTest.IN, CostModelTest.A);

    @Test
    void nothingKnownMeansStartWithAPrompt() {
        Advice a = Advisor.advise(AdviseInput.none(), COSTS);
        assertThat(a.recommendation()).isEqualTo("prompt-engineering");
        assertThat(a.also()).isEmpty();
        assertThat(a.steps()).extracting(Step::step).containsExactly(1, 2, 3, 4, 5);
        assertThat(a.steps()).allMatch(s -> s.answer().equals("unknown") && !s.measured());
        assertThat(a.wouldChange()).anyMatch(w -> w.startsWith("if the knowledge changed weekly or more: rag"));
    }

    @Test
    void frequentChangesChooseRagAndAFixedFormatAddsFineTuning() {
        AdviseInput in = AdviseInput.none()
                .withChanges(Finding.measured(ChangeFrequency.WEEKLY, "6 days with changes"))
                .withFixedFormat(Finding.measured(true, "10,003 pairs, 77 distinct outputs"))
                .withCorpusTokens(Finding.measured(500_000L, "counted"));
        Advice a = Advisor.advise(in, COSTS);
        assertThat(a.recommendation()).isEqualTo("rag");
        assertThat(a.also()).containsExactly("fine-tuning", "full-context");
        assertThat(a.steps().get(0)).satisfies(s -> {
            assertThat(s.answer()).isEqualTo("yes");
            assertThat(s.measured()).isTrue();
            assertThat(s.reason()).contains("weekly").contains("RAG");
        });
        assertThat(a.steps().get(2).answer()).isEqualTo("yes");
        assertThat(a.steps().get(4).reason()).contains("500,000 tokens").contains("full-context");
    }

    @Test
    void citationsAloneChooseRag() {
        Advice a = Advisor.advise(AdviseInput.none().withCite(Finding.given(true, "--cite yes")), COSTS);
        assertThat(a.recommendation()).isEqualTo("rag");
        assertThat(a.steps().get(1)).satisfies(s -> {
            assertThat(s.answer()).isEqualTo("yes");
            assertThat(s.measured()).isFalse();
            assertThat(s.reason()).startsWith("--cite yes");
        });
    }

    @Test
    void aWrongBaselineWithALargeCorpusIsFineTuningForBehaviourAndRagForKnowledge() {
        AdviseInput in = AdviseInput.none().withBaselineWrong(Finding.measured(true, "prompt-only 12%"))
                .withCorpusTokens(Finding.given(3_000_000L, "--corpus-tokens"));
        Advice a = Advisor.advise(in, COSTS);
        assertThat(a.recommendation()).isEqualTo("fine-tuning");
        assertThat(a.also()).containsExactly("rag");
        assertThat(a.steps().get(3).reason()).contains("fine-tuning");
    }

    @Test
    void noneOfTheFirstFourWithASmallCorpusBecomesFullContext() {
        AdviseInput in = AdviseInput.none().withChanges(Finding.given(ChangeFrequency.YEARLY, "--changes yearly"))
                .withCite(Finding.given(false, "--cite no")).withFixedFormat(Finding.given(false, "--fixed-format no"))
                .withBaselineWrong(Finding.given(false, "--baseline-wrong no")).withCorpusTokens(Finding.measured(371L, "counted"));
        Advice a = Advisor.advise(in, COSTS);
        assertThat(a.recommendation()).isEqualTo("full-context");
        assertThat(a.also()).containsExactly("prompt-engineering");
        assertThat(a.steps().get(3).reason()).contains("try prompt engineering first");
        assertThat(a.wouldChange()).anyMatch(w -> w.startsWith("if the corpus grew past 2 million tokens: rag"));
        AdviseInput large = in.withCorpusTokens(Finding.given(2_000_000L, "--corpus-tokens"));
        assertThat(Advisor.advise(large, COSTS).recommendation()).isEqualTo("rag");
    }

    @Test
    void changeFrequencyIsMeasuredFromTheHistory() {
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        List<SourceChange> changes = new ArrayList<>();
        changes.add(new SourceChange(start, "/a", SourceChange.Kind.ADDED, "h0"));
        changes.add(new SourceChange(start.plusSeconds(60), "/b", SourceChange.Kind.ADDED, "h1")); // same day: the initial ingest
        for (int week = 1; week <= 8; week++)
            changes.add(new SourceChange(start.plus(Duration.ofDays(7L * week)), "/a", SourceChange.Kind.UPDATED, "h" + week));
        Instant now = start.plus(Duration.ofDays(61));
        ChangeFrequency.Measured m = ChangeFrequency.measure(ChangeHistory.of(changes, "change log"), now).orElseThrow();
        // 8 change days in 61 days = 8 / (61 / 30.4375) = 3.99 a month → weekly
        assertThat(m.changeDays()).isEqualTo(8);
        assertThat(m.perMonth()).isCloseTo(8 / (61 / (365.25 / 12)), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.frequency()).isEqualTo(ChangeFrequency.WEEKLY);
        assertThat(ChangeFrequency.measure(ChangeHistory.of(changes.subList(0, 2), "log"), start.plus(Duration.ofDays(3)))).isEmpty();
        assertThat(ChangeFrequency.measure(ChangeHistory.of(changes.subList(0, 2), "log"), start.plus(Duration.ofDays(400))).orElseThrow().frequency())
                .isEqualTo(ChangeFrequency.NEVER);
        assertThat(ChangeFrequency.ofRate(20)).isEqualTo(ChangeFrequency.DAILY);
        assertThat(ChangeFrequency.ofRate(1)).isEqualTo(ChangeFrequency.MONTHLY);
        assertThat(ChangeFrequency.ofRate(0.2)).isEqualTo(ChangeFrequency.YEARLY);
    }

    @Test
    void lastIngestTimesGiveALowerBound() {
        Instant t0 = Instant.parse("2026-03-01T09:00:00Z");
        var sources = List.of(
                new io.knowhow.core.model.SourceRecord("/a", "h", 1, 1, t0, null, null),
                new io.knowhow.core.model.SourceRecord("/b", "h", 1, 1, t0.plus(Duration.ofDays(10)), null, null),
                new io.knowhow.core.model.SourceRecord("/c", "h", 1, 1, t0.plus(Duration.ofDays(20)), null, null));
        ChangeHistory h = ChangeHistory.fromLastIngest(sources);
        assertThat(h.changes()).extracting(SourceChange::kind).containsExactly(SourceChange.Kind.ADDED, SourceChange.Kind.UPDATED, SourceChange.Kind.UPDATED);
        assertThat(h.basis()).contains("lower bound");
        // 2 change days in 30.4375 days = 2 a month → monthly
        assertThat(ChangeFrequency.measure(h, t0.plus(Duration.ofSeconds((long) (365.25 / 12 * 86400)))).orElseThrow().frequency()).isEqualTo(ChangeFrequency.MONTHLY);
    }
}
