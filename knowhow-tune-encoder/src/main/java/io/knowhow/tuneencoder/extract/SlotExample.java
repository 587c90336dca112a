package io.knowhow.tuneencoder.extract;

import java.util.List;
import java.util.Objects;

/**
 * One text with the character spans of its slot values.
 *
 * @param text  the user's text
 * @param spans slot values as half-open character ranges of {@code text}; may be empty
 * @param entry 1-based position in the file it was read from (0 when built in code), for error messages
 */
public record SlotExample(String text, List<Span> spans, int entry) {
    public SlotExample {
        Objects.requireNonNull(text, "text");
        spans = List.copyOf(spans);
        for (Span s : spans)
            if (s.end() > text.length())
                throw new IllegalArgumentException("span " + s + " ends past the text's " + text.length() + " characters: " + text);
    }

    /** An example built in code. */
    public SlotExample(String text, List<Span> spans) {
        this(text, spans, 0);
    }

    /**
     * One slot value: characters {@code [start, end)} of the text.
     *
     * @param slot  the slot's name
     * @param start first character
     * @param end   one past the last character
     */
    public record Span(String slot, int start, int end) {
        public Span {
            Objects.requireNonNull(slot, "slot");
            if (start < 0 || end <= start) throw new IllegalArgumentException("span [" + start + ", " + end + ") of '" + slot + "' is empty or negative");
        }
    }

    /** The span of {@code text} that {@code span} covers. */
    public String surface(Span span) {
        return text.substring(span.start(), span.end());
    }
}
