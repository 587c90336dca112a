package io.knowhow.eval.compare;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.model.Usage;
import io.knowhow.core.rag.Strategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/** A scripted knowledge base: answers per (strategy, question), sources, rankings. */
final class FakeTarget implements EvalTarget {
    final Map<Strategy, String> unavailable = new HashMap<>();
    BiFunction<String, Strategy, Answer> answers;
    final Map<String, List<String>> rankings = new LinkedHashMap<>();
    List<String> stored = List.of("/kb/pricing.md", "/kb/install.html");
    /** Grounds answers without evidence: a sentence with "8080" or "connector" is unsupported, the rest supported. */
    java.util.function.Function<String, Grounding> withoutEvidence = text -> text.contains("8080") || text.contains("connector")
            ? new Grounding(false, List.of(text), List.of(), 0.0) : new Grounding(true, List.of(), List.of(), 1.0);
    final List<String> asked = new ArrayList<>();

    @Override
    public Optional<String> unavailable(Strategy s) {
        return Optional.ofNullable(unavailable.get(s));
    }

    @Override
    public String generatorName(Strategy s) {
        return "fake";
    }

    @Override
    public Answer ask(String question, Strategy s) {
        asked.add(s.label() + ":" + question);
        return answers.apply(question, s);
    }

    @Override
    public List<String> rankedSources(String question, int k) {
        return rankings.getOrDefault(question, List.of());
    }

    @Override
    public List<String> storedSources() {
        return stored;
    }

    @Override
    public Grounding groundWithoutEvidence(String answerText, String question, Set<String> sources) {
        return withoutEvidence.apply(answerText);
    }

    static Answer answer(String text, String... citedSources) {
        List<Citation> cites = new ArrayList<>();
        for (int i = 0; i < citedSources.length; i++) cites.add(new Citation(i + 1, citedSources[i] + "#0", citedSources[i], List.of(), "", 1));
        return new Answer(text, false, cites, "rag", Map.of("total", 1.0, "embed", 0.5, "retrieve", 0.25),
                new Grounding(true, List.of(), List.of(), 1.0), new Usage(100, 20), 0.002, List.of());
    }

    static Answer unsupported(String text, String sentence) {
        return new Answer(text, false, List.of(), "rag", Map.of(), new Grounding(false, List.of(sentence), List.of(), 0.5), Usage.ZERO, 0, List.of());
    }

    static Answer abstention() {
        return new Answer(Answer.ABSTENTION, true, List.of(), "rag", Map.of(), Grounding.ABSTAINED, Usage.ZERO, 0, List.of());
    }
}
