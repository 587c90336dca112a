package io.knowhow.eval.compare;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.rag.Strategy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a comparison asks: a knowledge base seen through the questions an evaluation needs answered. */
public interface EvalTarget {
    /** Why the strategy cannot run here (no LLM, no tuned model, no knowledge base); empty when it can. */
    Optional<String> unavailable(Strategy strategy);

    /** The generator that answers for the strategy, for reports ("extractive", "openai:...", "local:..."). */
    String generatorName(Strategy strategy);

    /** One answer; may throw (an LLM error, a corpus that does not fit the window): the case is then unscored. */
    Answer ask(String question, Strategy strategy);

    /** Distinct source keys of the top {@code k} chunks for the question, best first (retrieval metrics). */
    List<String> rankedSources(String question, int k);

    /** Every stored source key the evaluation's reader may see. */
    List<String> storedSources();

    /**
     * Grounds an answer that came without evidence (prompt-only, tuned) against the chunks of {@code sources}, or,
     * when none are given, against the knowledge base's top chunks for the question.
     */
    Grounding groundWithoutEvidence(String answerText, String question, Set<String> sources);
}
