package io.knowhow.core.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A piece of one source's text, small enough to embed and to inject into a prompt.
 *
 * @param id          stable id: {@code source + "#" + ordinal}; replaced together with its source
 * @param source      the source key, as given to ingest (see {@link SourceRecord#source()})
 * @param ordinal     position of the chunk in its source, from 0
 * @param text        the chunk text (sentences kept whole)
 * @param headingPath headings above the chunk, outermost first ("Guide", "Install", "Linux")
 * @param startChar   offset of the first character in the source's cleaned text
 * @param endChar     offset after the last character in the source's cleaned text
 * @param tokenCount  tokens of {@code text} by the embedding model's tokenizer
 * @param tags        labels used by filters (copied from the source)
 * @param accessGroups groups allowed to read the chunk; empty means everyone
 * @param language    ISO 639-1 code of the text's language as detected at ingest ("en", "zh", ...);
 *                    empty when unknown
 */
public record Chunk(String id, String source, int ordinal, String text, List<String> headingPath,
                    int startChar, int endChar, int tokenCount, Set<String> tags, Set<String> accessGroups,
                    String language) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        headingPath = List.copyOf(headingPath == null ? List.of() : headingPath);
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        accessGroups = Set.copyOf(accessGroups == null ? Set.of() : accessGroups);
        language = language == null ? "" : language;
    }

    /** A chunk whose language is unknown. */
    public Chunk(String id, String source, int ordinal, String text, List<String> headingPath,
                 int startChar, int endChar, int tokenCount, Set<String> tags, Set<String> accessGroups) {
        this(id, source, ordinal, text, headingPath, startChar, endChar, tokenCount, tags, accessGroups, "");
    }

    public static String idOf(String source, int ordinal) {
        return source + "#" + ordinal;
    }

    /** This chunk with other tags and access groups (re-labelling a source keeps its text and vectors). */
    public Chunk withLabels(Set<String> newTags, Set<String> newAccessGroups) {
        return new Chunk(id, source, ordinal, text, headingPath, startChar, endChar, tokenCount, newTags, newAccessGroups, language);
    }

    /** The heading path joined for display, e.g. "Guide › Install". Empty when there is none. */
    public String headingLabel() {
        return String.join(" › ", headingPath);
    }
}
