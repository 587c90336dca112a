package io.knowhow.app.tune;

import java.util.Locale;

/** What a fine-tuning run teaches. */
public enum TuneTask {
    /** A decoder LLM answers in the trained format and style (LoRA or full). */
    GENERATE,
    /** The bundled encoder plus a label head: a fixed-label classifier. */
    CLASSIFY,
    /** The bundled encoder tags spans: slot filling into a fixed JSON schema. */
    EXTRACT,
    /** The bundled encoder adapted for retrieval on (query, passage) pairs; becomes the embedder after reindex. */
    EMBED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TuneTask parse(String s) {
        for (TuneTask t : values()) if (t.label().equalsIgnoreCase(s.strip())) return t;
        throw new IllegalArgumentException("unknown task '" + s + "': use generate, classify, extract or embed");
    }
}
