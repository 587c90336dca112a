package io.knowhow.ingest;

import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the XHTML SAX events that Tika emits for every format into sections: h1..h6 open headings,
 * block elements end paragraphs, list items become "- " or "1. " lines (indented by nesting, as
 * Markdown lists are rendered), tables become one paragraph per data row whose cells carry their column
 * headers ({@link TableRows}).
 *
 * <p>Tika maps HTML headings and DOCX paragraph styles "heading 1".."heading 6" (and "Title") to
 * h1..h6, so one handler serves both. Text inside {@code <head>} is skipped: the title arrives as
 * metadata. The handler counts characters and stops the parse with {@link TextLimitExceeded} past
 * the limit, so a huge document fails early instead of filling the heap.
 */
final class XhtmlSectionHandler extends DefaultHandler {

    /** Thrown from {@link #characters} when the document holds more text than allowed. */
    static final class TextLimitExceeded extends SAXException {
        TextLimitExceeded(long limit) {
            super("more than " + limit + " characters of text");
        }
    }

    /** Elements after which a new paragraph starts (an HTML author's or Tika's block structure). */
    private static final Set<String> PARAGRAPH_BLOCKS = Set.of(
            "p", "div", "blockquote", "pre", "ul", "ol", "dl", "table", "section", "article", "main",
            "header", "footer", "nav", "aside", "figure", "figcaption", "address", "hr", "form",
            "fieldset", "details", "summary", "caption", "body");

    /** Elements that end a line but not a paragraph: list entries and table rows stay together. */
    private static final Set<String> LINE_BLOCKS = Set.of("li", "dt", "dd", "tr", "br");

    /** Where the XHTML came from: decides what whitespace in it means. */
    enum Layout {
        /** HTML source: line breaks and indentation are layout, any run of whitespace is one space. */
        HTML,
        /** Word processor (DOCX): text runs are content; a "\n" in them is a real line break. */
        WORD_PROCESSOR,
        /** Printed pages (PDF): Tika reports each line end as ignorable whitespace; it is a line break. */
        PRINTED
    }

    private final SectionCollector out;
    private final Layout layout;
    private final long maxChars;
    private long chars;
    private int headDepth;
    private int preDepth;
    private int cellDepth;
    /** Open tables, innermost first; their text is buffered by cell until the table closes. */
    private final Deque<Table> tables = new ArrayDeque<>();
    private int headingLevel;
    /** One entry per open div, innermost first: whether it is a PDF annotation ("annotation" class). */
    private final Deque<Boolean> divs = new ArrayDeque<>();
    private int annotationDepth;
    private boolean inAnnotationLink;
    /** One entry per open list, innermost first: the next item number, or 0 for a bullet list. */
    private final Deque<int[]> lists = new ArrayDeque<>();
    private final StringBuilder headingText = new StringBuilder();

    /** A table being read: rows of cell texts, and which rows are headers ({@code <thead>} or all {@code <th>}). */
    private static final class Table {
        final List<List<String>> rows = new ArrayList<>();
        final List<Boolean> headerRows = new ArrayList<>();
        int headDepth;
        List<String> row;
        boolean rowAllTh;
        StringBuilder cell;

        void startRow() {
            row = new ArrayList<>();
            rowAllTh = true;
        }

        void startCell(boolean th) {
            if (row == null) startRow();
            if (!th) rowAllTh = false;
            cell = new StringBuilder();
        }

        void endCell() {
            if (cell != null) row.add(cell.toString());
            cell = null;
        }

        void endRow() {
            if (cell != null) endCell();
            if (row != null && !row.isEmpty()) {
                rows.add(row);
                headerRows.add(headDepth > 0 || rowAllTh);
            }
            row = null;
        }

        /** Appends text to the open cell, or to a cell of its own when the text sits outside any. */
        void append(CharSequence text) {
            if (cell == null) startCell(false);
            cell.append(text);
        }

        boolean atSpace() {
            return cell == null || cell.isEmpty() || cell.charAt(cell.length() - 1) == ' ';
        }
    }

    /**
     * @param maxChars the most characters of text to accept
     */
    XhtmlSectionHandler(SectionCollector out, Layout layout, long maxChars) {
        this.out = out;
        this.layout = layout;
        this.maxChars = maxChars;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
        String name = name(localName, qName);
        int level = headingLevel(name);
        if (level > 0) {
            if (headingLevel == 0) {
                headingLevel = level;
                headingText.setLength(0);
            }
            return;
        }
        switch (name) {
            case "head" -> headDepth++;
            case "pre" -> preDepth++;
            case "div" -> {
                boolean annotation = layout == Layout.PRINTED && "annotation".equals(attributes.getValue("class"));
                divs.push(annotation);
                if (annotation) annotationDepth++;
            }
            // Tika writes each PDF link annotation's target URI as text at the end of its page;
            // the visible link text is already in the page, the bare URI is noise
            case "a" -> inAnnotationLink = annotationDepth > 0;
            case "table" -> {
                blockBoundary(name);
                tables.push(new Table());
                return;
            }
            case "thead" -> {
                if (!tables.isEmpty()) tables.peek().headDepth++;
                return;
            }
            case "tr" -> {
                if (!tables.isEmpty()) tables.peek().startRow();
                return;
            }
            case "ul", "ol" -> {
                listBoundary();
                lists.push(new int[]{name.equals("ol") ? 1 : 0});
                return;
            }
            case "li" -> {
                blockBoundary(name);
                if (cellDepth == 0 && headingLevel == 0) listMarker();
                return;
            }
            case "td", "th" -> {
                if (!tables.isEmpty()) tables.peek().startCell(name.equals("th"));
                cellDepth++;
                return;
            }
            default -> {
            }
        }
        blockBoundary(name);
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = name(localName, qName);
        int level = headingLevel(name);
        if (level > 0) {
            if (level == headingLevel) {
                out.heading(level, headingText.toString());
                headingLevel = 0;
            }
            return;
        }
        switch (name) {
            case "head" -> headDepth--;
            case "pre" -> preDepth--;
            case "div" -> {
                if (Boolean.TRUE.equals(divs.poll())) annotationDepth--;
            }
            case "a" -> inAnnotationLink = false;
            case "ul", "ol" -> {
                lists.poll();
                listBoundary();
                return;
            }
            case "td", "th" -> {
                cellDepth--;
                if (!tables.isEmpty()) tables.peek().endCell();
                return;
            }
            case "tr" -> {
                if (!tables.isEmpty()) tables.peek().endRow();
                return;
            }
            case "thead" -> {
                if (!tables.isEmpty()) tables.peek().headDepth--;
                return;
            }
            case "table" -> {
                if (!tables.isEmpty()) endTable(tables.pop());
                blockBoundary(name);
                return;
            }
            default -> {
            }
        }
        blockBoundary(name);
    }

    /**
     * Writes a closed table: the first header row (declared, or guessed by {@link TableRows#looksLikeHeader})
     * names the columns of every other row. A table nested in a cell becomes that cell's text.
     */
    private void endTable(Table t) {
        t.endRow();
        List<String> header = null;
        List<List<String>> data = new ArrayList<>();
        for (int i = 0; i < t.rows.size(); i++) {
            if (header == null && data.isEmpty() && (t.headerRows.get(i) || i == 0 && TableRows.looksLikeHeader(t.rows.get(0), t.rows.size()))) {
                header = t.rows.get(i);
            } else {
                data.add(t.rows.get(i));
            }
        }
        Table outer = tables.peek();
        if (outer != null) {
            for (List<String> row : data.isEmpty() && header != null ? List.of(header) : data) {
                if (!outer.atSpace()) outer.append(" ");
                outer.append(TableRows.format(header, row));
            }
            return;
        }
        TableRows.write(header, data, out);
    }

    /** A list nested in a list item continues its lines; an outer list is a paragraph of its own. */
    private void listBoundary() {
        if (lists.isEmpty()) blockBoundary("ul");
        else blockBoundary("li");
    }

    private void listMarker() {
        int[] list = lists.peek();
        String indent = "  ".repeat(Math.max(0, lists.size() - 1));
        out.append(indent + (list == null || list[0] == 0 ? "- " : (list[0]++) + ". "));
    }

    private void blockBoundary(String name) {
        boolean paragraph = PARAGRAPH_BLOCKS.contains(name);
        if (!paragraph && !LINE_BLOCKS.contains(name)) return;
        if (headingLevel > 0) {
            headingText.append(' ');
        } else if (!tables.isEmpty()) {
            // paragraphs inside a cell (DOCX wraps every cell's text in <p>) would tear rows apart
            Table t = tables.peek();
            if (t.cell != null && !t.atSpace()) t.append(" ");
        } else if (paragraph) {
            out.paragraphBreak();
        } else {
            out.lineBreak();
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        if (headDepth > 0 || inAnnotationLink) return;
        chars += length;
        if (chars > maxChars) throw new TextLimitExceeded(maxChars);
        if (headingLevel > 0) {
            headingText.append(ch, start, length);
        } else if (!tables.isEmpty()) {
            Table t = tables.peek();
            if (t.row == null && new String(ch, start, length).isBlank()) return; // whitespace between rows
            for (int i = start; i < start + length; i++) {
                char c = ch[i];
                if (Character.isWhitespace(c)) {
                    if (!t.atSpace()) t.append(" ");
                } else {
                    t.append(String.valueOf(c));
                }
            }
        } else if (layout == Layout.HTML && preDepth == 0) {
            appendCollapsed(ch, start, length);
        } else {
            out.append(new String(ch, start, length));
        }
    }

    /** HTML rendering rules: any run of whitespace is one space, none at the start of a line. */
    private void appendCollapsed(char[] ch, int start, int length) {
        StringBuilder sb = new StringBuilder(length);
        boolean space = out.atSpace();
        for (int i = start; i < start + length; i++) {
            char c = ch[i];
            if (Character.isWhitespace(c)) {
                if (!space) sb.append(' ');
                space = true;
            } else {
                sb.append(c);
                space = false;
            }
        }
        out.append(sb);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        // For HTML and DOCX, Tika pretty-prints its XHTML with newlines here after block elements,
        // which are broken on anyway. For PDF, this is how the end of each text line arrives.
        if (layout != Layout.PRINTED || headDepth > 0) return;
        if (headingLevel > 0) {
            headingText.append(' ');
        } else if (!tables.isEmpty()) {
            Table t = tables.peek();
            if (t.cell != null && !t.atSpace()) t.append(" ");
        } else {
            out.lineBreak();
        }
    }

    private static String name(String localName, String qName) {
        String name = localName == null || localName.isEmpty() ? qName : localName;
        return name.toLowerCase(Locale.ROOT);
    }

    private static int headingLevel(String name) {
        if (name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6') {
            return name.charAt(1) - '0';
        }
        return 0;
    }
}
