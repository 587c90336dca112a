package io.knowhow.core.rag;

import java.util.Locale;

/**
 * Where the generator's context comes from. The generator itself (extractive, an HTTP LLM, a local or
 * fine-tuned model) is chosen by configuration; {@code TUNED} and {@code TUNED_RAG} are {@code PROMPT_ONLY}
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
    /**
     * A fine-tuned model with retrieved evidence: the reference's hybrid of fine-tuning and RAG. Named
     * {@code tuned-rag} since the search mode {@code hybrid} (BM25 + vectors) would otherwise share its name;
     * {@code hybrid} is still accepted, see {@link #parse}.
     */
    TUNED_RAG;

    /** The strategy's old name, accepted by {@link #parse} until a future major version. */
    public static final String DEPRECATED_HYBRID = "hybrid";

    public boolean retrieves() {
        return this == RAG || this == TUNED_RAG;
    }

    /** Whether the strategy answers with the fine-tuned model rather than the configured generator. */
    public boolean usesTunedModel() {
        return this == TUNED || this == TUNED_RAG;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a label ({@code rag}, {@code full-context}, {@code prompt-only}, {@code tuned}, {@code tuned-rag}),
     * also the deprecated {@code hybrid} for {@code tuned-rag}; see {@link #isDeprecatedAlias}.
     */
    public static Strategy parse(String s) {
        String t = s.trim();
        if (isDeprecatedAlias(t)) return TUNED_RAG;
        for (Strategy st : values()) if (st.label().equalsIgnoreCase(t) || st.name().equalsIgnoreCase(t)) return st;
        throw new IllegalArgumentException("Unknown strategy '" + s + "': use rag, full-context, prompt-only, tuned or tuned-rag");
    }

    /** True for the old name {@code hybrid}, so front ends can print a deprecation note. */
    public static boolean isDeprecatedAlias(String s) {
        return s != null && s.trim().equalsIgnoreCase(DEPRECATED_HYBRID);
    }
}
