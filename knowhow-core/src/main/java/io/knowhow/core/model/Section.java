package io.knowhow.core.model;

import java.util.List;

/** A run of text under one heading path; parsers emit these so chunks can carry their headings. */
public record Section(List<String> headingPath, String text) {
    public Section {
        headingPath = List.copyOf(headingPath == null ? List.of() : headingPath);
        text = text == null ? "" : text;
    }
}
