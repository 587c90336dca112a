package io.knowhow.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed source: cleaned text split into sections by heading.
 *
 * @param source   the source key (see {@link SourceRecord#source()})
 * @param title    the document title when the format has one, else the file name
 * @param sections text under each heading path, in reading order
 * @param metadata format metadata worth keeping (content type, author, ...)
 * @param language ISO 639-1 code of the text's main language ("en", "zh", ...); empty when unknown
 */
public record Document(String source, String title, List<Section> sections, Map<String, String> metadata, String language) {
    public Document {
        Objects.requireNonNull(source, "source");
        sections = List.copyOf(sections);
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        language = language == null ? "" : language;
    }

    /** A document whose language is unknown. */
    public Document(String source, String title, List<Section> sections, Map<String, String> metadata) {
        this(source, title, sections, metadata, "");
    }

    /** All section text, joined by blank lines. */
    public String fullText() {
        StringBuilder sb = new StringBuilder();
        for (Section s : sections) {
            if (s.text().isBlank()) continue;
            if (!sb.isEmpty()) sb.append("\n\n");
            sb.append(s.text());
        }
        return sb.toString();
    }
}
