package io.knowhow.ingest;

import io.knowhow.core.model.Section;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link Section}s from a stream of text and heading events, keeping the path of open
 * headings (outermost first) the way an outline does: a heading closes every open heading of the
 * same or a deeper level.
 *
 * <p>Heading text goes into the path, not into the section text, so a chunker can prefix the path
 * without repeating it. Sections whose cleaned text is empty are dropped. One instance per parse.
 */
final class SectionCollector {

    private record OpenHeading(int level, String text) {
    }

    private final TextCleaner.LineBreaks lineBreaks;
    private final List<OpenHeading> openHeadings = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private String firstH1;
    private int headingCount;

    SectionCollector(TextCleaner.LineBreaks lineBreaks) {
        this.lineBreaks = lineBreaks;
    }

    /** Appends raw text to the current section; cleaning happens when the section is closed. */
    void append(CharSequence text) {
        body.append(text);
    }

    /** True when nothing has been appended since the last break, so a leading space can be dropped. */
    boolean atLineStart() {
        return body.isEmpty() || body.charAt(body.length() - 1) == '\n';
    }

    /** True at a line start or after a space: where collapsed whitespace adds nothing. */
    boolean atSpace() {
        return atLineStart() || body.charAt(body.length() - 1) == ' ';
    }

    /** Ends the current line unless it is already ended; repeated calls add nothing. */
    void lineBreak() {
        if (!atLineStart()) body.append('\n');
    }

    /** Ends the current paragraph with one blank line; repeated calls add nothing. */
    void paragraphBreak() {
        if (body.isEmpty()) return;
        lineBreak();
        if (body.length() < 2 || body.charAt(body.length() - 2) != '\n') body.append('\n');
    }

    /**
     * Closes the current section and opens one under the given heading. A heading that is empty
     * after cleaning (an anchor, an image) is ignored, so its text stays with the section before.
     *
     * @param level 1 for the outermost heading (h1, "#"), up to 6
     */
    void heading(int level, String rawText) {
        String text = TextCleaner.clean(rawText, TextCleaner.LineBreaks.KEEP).replace('\n', ' ').strip();
        if (text.isEmpty()) return;
        closeSection();
        while (!openHeadings.isEmpty() && openHeadings.getLast().level() >= level) {
            openHeadings.removeLast();
        }
        openHeadings.add(new OpenHeading(level, text));
        headingCount++;
        if (level == 1 && firstH1 == null) firstH1 = text;
    }

    /** Closes the last section and returns all sections with text, in reading order. */
    List<Section> finish() {
        closeSection();
        return List.copyOf(sections);
    }

    /** The first level-1 heading's text, or null when there was none. */
    String firstH1() {
        return firstH1;
    }

    /** How many non-empty headings were seen. */
    int headingCount() {
        return headingCount;
    }

    private void closeSection() {
        String text = TextCleaner.clean(body, lineBreaks);
        body.setLength(0);
        if (text.isEmpty()) return;
        List<String> path = new ArrayList<>(openHeadings.size());
        for (OpenHeading h : openHeadings) path.add(h.text());
        sections.add(new Section(path, text));
    }
}
