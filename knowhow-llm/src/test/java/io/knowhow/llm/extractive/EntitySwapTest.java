package io.knowhow.llm.extractive;

import io.knowhow.analysis.AnalyzedText;
import io.knowhow.analysis.EnglishCjkAnalyzer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extractive generator over {@link EntitySwapCorpus}: look-alike plans, questions about real, swapped
 * and unknown names. Evidence is ranked by a small deterministic scorer (shared analysed terms weighted by
 * inverse document frequency, top 5), which, like real search, brings the look-alikes of a swapped name
 * into the evidence. EntitySwapBench measures the same with the real search pipeline.
 */
class EntitySwapTest {
    private static final EnglishCjkAnalyzer ANALYZER = new EnglishCjkAnalyzer();
    private final ExtractiveGenerator generator = new ExtractiveGenerator();

    @AfterAll
    static void close() {
        ANALYZER.close();
    }

    /** Ranks chunks by the summed IDF of the question terms they contain. */
    record Ranker(List<Chunk> chunks, List<Set<String>> terms, Map<String, Double> idf) {
        static Ranker of(List<Chunk> chunks) {
            List<Set<String>> terms = chunks.stream().map(c -> AnalyzedText.of(ANALYZER, c.text()).terms()).toList();
            Map<String, Integer> df = new HashMap<>();
            for (Set<String> t : terms) for (String s : t) df.merge(s, 1, Integer::sum);
            Map<String, Double> idf = new HashMap<>();
            df.forEach((t, n) -> idf.put(t, Math.log(1 + (chunks.size() - n + 0.5) / (n + 0.5))));
            return new Ranker(chunks, terms, idf);
        }

        List<Hit> top(String question, int k) {
            Set<String> q = AnalyzedText.of(ANALYZER, question).terms();
            List<Hit> hits = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                double score = 0;
                for (String t : q) if (terms.get(i).contains(t)) score += idf.get(t);
                hits.add(new Hit(chunks.get(i), score));
            }
            hits.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparing(h -> h.chunk().id()));
            return hits.subList(0, Math.min(k, hits.size()));
        }
    }

    static List<Chunk> chunks(EntitySwapCorpus corpus) {
        List<Chunk> out = new ArrayList<>();
        for (EntitySwapCorpus.Doc d : corpus.docs()) out.add(new Chunk(d.fileName() + "#0", d.fileName(), 0, d.text(), List.of(), 0, d.text().length(), 40, null, null));
        return out;
    }

    @Test
    void swappedAndUnknownNamesAreAbstainedOnAndRealOnesAnsweredWithTheirOwnValue() {
        EntitySwapCorpus corpus = EntitySwapCorpus.generate(12, 7);
        Ranker ranker = Ranker.of(chunks(corpus));
        Map<EntitySwapCorpus.Kind, int[]> tally = new EnumMap<>(EntitySwapCorpus.Kind.class); // {asked, right}
        List<String> failures = new ArrayList<>();
        for (EntitySwapCorpus.Question q : corpus.questions()) {
            Generation g = generator.generate(new GenerationRequest(q.text(), ranker.top(q.text(), 5)));
            boolean right = q.kind() == EntitySwapCorpus.Kind.TRUE ? !g.abstained() && corpus.correct(q, g.text()) : g.abstained();
            int[] t = tally.computeIfAbsent(q.kind(), k -> new int[2]);
            t[0]++;
            if (right) t[1]++;
            else failures.add(q.kind() + " " + q.text() + " -> " + g.text());
        }
        String report = tally.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[1] + "/" + e.getValue()[0]).toList()
                + "\nfailures:\n" + String.join("\n", failures);
        for (var e : tally.entrySet()) {
            assertThat(e.getValue()[1] / (double) e.getValue()[0]).as(report).isGreaterThanOrEqualTo(0.95);
        }
        assertThat(tally.get(EntitySwapCorpus.Kind.SWAPPED)[0]).as("swapped questions asked").isGreaterThanOrEqualTo(40);
    }
}
