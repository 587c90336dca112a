package io.knowhow.ingest;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cleans extracted text: Unicode NFC, no control characters, single spaces, at most one blank line
 * between paragraphs, and optionally hard-wrapped lines joined back into paragraphs.
 *
 * <p>The cleaner is deliberately conservative: when it cannot tell a wrapped line from a meaningful
 * line break (a list item, a heading, a table row, an indented block) it keeps the break, because a
 * kept break costs a chunker nothing while a wrong join glues a heading onto a sentence.
 */
public final class TextCleaner {

    /** How line breaks inside a paragraph (a run of lines without a blank line) are treated. */
    public enum LineBreaks {
        /** Every line break is meaningful: HTML, DOCX and Markdown mark paragraphs explicitly. */
        KEEP,
        /**
         * Hard-wrapped text: a line break becomes a space when the line is a wrapped one. A break is
         * kept when the next line starts a list item, is indented or holds a tab, or when the line is
         * short compared with the paragraph's longest line (a heading or a paragraph's last line).
         */
        UNWRAP,
        /**
         * As {@link #UNWRAP}, and a word hyphenated at the end of a line is joined again
         * ("infor-\nmation" becomes "information"): the layout of printed documents such as PDF.
         */
        UNWRAP_AND_JOIN_HYPHENATED
    }

    /**
     * Paragraphs whose longest line is shorter than this are not treated as wrapped: short lines
     * (addresses, verse, menus) are usually broken on purpose. Two-column PDFs wrap at ~45 characters.
     */
    static final int MIN_WRAP_WIDTH = 40;

    /**
     * A line at least this fraction of the paragraph's longest line counts as filled, so its break
     * is a wrap. Word wrapping leaves at most one word of slack (about 15 characters at 45-80 wide).
     */
    static final double WRAPPED_LINE_FILL = 0.6;

    /** Bullets (-, *, +, •, ◦, ▪, ‣, –), numbers "1." "1)" "(a)" and letters "a." "a)" before a space. */
    private static final Pattern LIST_ITEM = Pattern.compile(
            "^(?:[-*+\u2022\u25E6\u25AA\u2023\u2013\u2014]|\\d{1,3}[.)]|[A-Za-z][.)]|\\(\\w{1,3}\\))\\s");

    private TextCleaner() {
    }

    /**
     * Returns the cleaned text; never null, empty when nothing but whitespace remained.
     *
     * @param text       raw extracted text
     * @param lineBreaks how line breaks inside a paragraph are treated
     */
    public static String clean(CharSequence text, LineBreaks lineBreaks) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(lineBreaks, "lineBreaks");
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFC);
        List<String> lines = normalizeLines(dropInvisible(normalized));
        List<List<String>> paragraphs = splitParagraphs(lines);
        StringBuilder out = new StringBuilder(normalized.length());
        for (List<String> paragraph : paragraphs) {
            if (!out.isEmpty()) out.append("\n\n");
            if (lineBreaks == LineBreaks.KEEP) {
                out.append(String.join("\n", paragraph));
            } else {
                unwrap(paragraph, lineBreaks == LineBreaks.UNWRAP_AND_JOIN_HYPHENATED, out);
            }
        }
        return out.toString();
    }

    /**
     * Unifies line ends to \n, drops control and invisible format characters and maps every kind of
     * space (NBSP, thin space, ...) to a plain space, so the later steps only see ' ', '\t' and '\n'.
     */
    private static String dropInvisible(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '\n', '\t' -> sb.append((char) cp);
                case '\r' -> {
                    if (i < s.length() && s.charAt(i) == '\n') continue; // \r\n: the \n follows
                    sb.append('\n');
                }
                // form feed and vertical tab separate pages and blocks; U+2028/2029 are Unicode's
                // line and paragraph separators
                case '\f', 0x0B, 0x2029 -> sb.append("\n\n");
                case 0x2028 -> sb.append('\n');
                // soft hyphen, zero-width space, word joiner, BOM: invisible, but they split words
                // for search and tokenizers
                case 0x00AD, 0x200B, 0x2060, 0xFEFF -> {
                }
                default -> {
                    int type = Character.getType(cp);
                    if (type == Character.CONTROL || type == Character.SURROGATE) continue;
                    if (Character.isSpaceChar(cp)) sb.append(' ');
                    else sb.appendCodePoint(cp);
                }
            }
        }
        return sb.toString();
    }

    /**
     * Collapses runs of spaces inside each line and trims its end. Leading indentation is kept as it
     * is: it carries meaning in code blocks and nested lists, and it tells {@link #unwrap} that a
     * line is not a wrapped continuation.
     */
    private static List<String> normalizeLines(String s) {
        String[] raw = s.split("\n", -1);
        List<String> lines = new ArrayList<>(raw.length);
        StringBuilder sb = new StringBuilder();
        for (String line : raw) {
            sb.setLength(0);
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                sb.append(line.charAt(i++));
            }
            boolean lastWasSpace = false;
            for (; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == ' ') {
                    if (!lastWasSpace) sb.append(c);
                    lastWasSpace = true;
                } else {
                    sb.append(c);
                    lastWasSpace = false;
                }
            }
            int end = sb.length();
            while (end > 0 && (sb.charAt(end - 1) == ' ' || sb.charAt(end - 1) == '\t')) end--;
            sb.setLength(end);
            lines.add(sb.toString());
        }
        return lines;
    }

    /** Groups lines into paragraphs at blank lines; any number of blank lines is one separator. */
    private static List<List<String>> splitParagraphs(List<String> lines) {
        List<List<String>> paragraphs = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                if (!current.isEmpty()) paragraphs.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        if (!current.isEmpty()) paragraphs.add(current);
        return paragraphs;
    }

    private static void unwrap(List<String> lines, boolean joinHyphenated, StringBuilder out) {
        int width = 0;
        for (String line : lines) width = Math.max(width, line.length());
        out.append(lines.getFirst());
        for (int i = 1; i < lines.size(); i++) {
            String previous = lines.get(i - 1);
            String next = lines.get(i);
            if (joinHyphenated && endsWithHyphenatedWord(previous) && startsWithLowercase(next)) {
                out.setLength(out.length() - 1); // drop the hyphen, join the word halves
                out.append(next);
            } else if (isWrap(previous, next, width)) {
                out.append(' ').append(next);
            } else {
                out.append('\n').append(next);
            }
        }
    }

    private static boolean isWrap(String previous, String next, int width) {
        return width >= MIN_WRAP_WIDTH
                && previous.length() >= WRAPPED_LINE_FILL * width
                && !Character.isWhitespace(next.charAt(0))
                && previous.indexOf('\t') < 0 && next.indexOf('\t') < 0
                && !LIST_ITEM.matcher(next).find();
    }

    /** "infor-" but not "--" or "2-": a letter before the hyphen, so it splits a word. */
    private static boolean endsWithHyphenatedWord(String line) {
        int n = line.length();
        if (n < 2) return false;
        char last = line.charAt(n - 1);
        return (last == '-' || last == '\u2010') && Character.isLetter(line.charAt(n - 2));
    }

    private static boolean startsWithLowercase(String line) {
        return Character.isLowerCase(line.codePointAt(0));
    }
}
