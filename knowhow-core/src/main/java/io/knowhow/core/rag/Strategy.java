package io.knowhow.core.rag;

import java.util.Locale;

/**
 * Where the generator's context comes from. The generator itself (extractive, an HTTP LLM, a local or
 * fine-tuned model) is chosen by configuration; {@code TUNED} and {@code HYBRID} are {@code PROMPT_ONLY}
 * and {@code RAG} run on a fine-tuned model, named apart so reports say which was measured.
 */
public enum Strategy {
    /** Retrieve top-K chunks and inject them as numbered evidence (the default). */
    RAG,
    /** Inject the whole corpus when it fits the model's window. */
    FULL_CONTEXT,
    /** No retrieval: the question alone, the baseline to try first. */
    PROMPT_ONLY,
    /** A fine-tuned model with no retrieval. */
    TUNED,
    /** A fine-tuned model with retrieved evidence. */
    HYBRID;

    public boolean retrieves() {
        return this == RAG || this == HYBRID;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Strategy parse(String s) {
        for (Strategy st : values()) if (st.label().equalsIgnoreCase(s.trim()) || st.name().equalsIgnoreCase(s.trim())) return st;
        throw new IllegalArgumentException("Unknown strategy '" + s + "': use rag, full-context, prompt-only, tuned or hybrid");
    }
}
