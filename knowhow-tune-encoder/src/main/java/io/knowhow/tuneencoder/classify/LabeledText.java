package io.knowhow.tuneencoder.classify;

import java.util.Objects;

/**
 * One training example: a text and its label, with the line of the file it came from.
 *
 * @param text  the input text, not blank
 * @param label the class, not blank
 * @param line  1-based line in the source file (0 for examples made in code)
 */
public record LabeledText(String text, String label, int line) {
    public LabeledText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (text.isBlank()) throw new IllegalArgumentException("text is blank" + (line > 0 ? " (line " + line + ")" : ""));
        if (label.isBlank()) throw new IllegalArgumentException("label is blank" + (line > 0 ? " (line " + line + ")" : ""));
    }

    public LabeledText(String text, String label) {
        this(text, label, 0);
    }
}
