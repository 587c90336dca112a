package io.knowhow.ingest;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Block;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders Markdown to plain-text sections with the commonmark AST: ATX and setext headings open
 * sections, inline markup is dropped (links keep their text, images their alt text, code its
 * content), list items become "- " or "1. " lines indented by nesting, GFM table rows become
 * "Header: cell | Header: cell" paragraphs, code blocks are kept verbatim.
 *
 * <p>A YAML front-matter block ("---" ... "---" at the very start, as Jekyll, Hugo and MkDocs use)
 * is removed before parsing, since commonmark would read it as a thematic break and a setext
 * heading; its {@code title:} is returned as the document title.
 */
final class MarkdownSections {

    /** Parser instances are immutable after building and documented as safe to share. */
    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(TablesExtension.create()))
            .build();

    private static final Pattern FRONT_MATTER = Pattern.compile(
            "\\A---[ \\t]*\\n(.*?)\\n(?:---|\\.\\.\\.)[ \\t]*(?:\\n|\\z)", Pattern.DOTALL);
    private static final Pattern FRONT_MATTER_TITLE = Pattern.compile("(?m)^title:[ \\t]*(.+?)[ \\t]*$");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]*>");

    /**
     * Block quotes and lists nested deeper than this are rendered as flat text: no real document
     * nests this deep, and following hostile input ("&gt;" repeated 50,000 times) level by level
     * would overflow the stack.
     */
    static final int MAX_NESTING = 32;

    private final SectionCollector out;
    private int depth;

    private MarkdownSections(SectionCollector out) {
        this.out = out;
    }

    /**
     * Parses {@code markdown} into {@code out}.
     *
     * @return the front matter's title, or null when there is none
     */
    static String render(String markdown, SectionCollector out) {
        String text = markdown.replace("\r\n", "\n").replace('\r', '\n');
        String title = null;
        Matcher frontMatter = FRONT_MATTER.matcher(text);
        if (frontMatter.find()) {
            Matcher t = FRONT_MATTER_TITLE.matcher(frontMatter.group(1));
            if (t.find()) title = unquote(t.group(1));
            text = text.substring(frontMatter.end());
        }
        new MarkdownSections(out).blocks(PARSER.parse(text));
        return title;
    }

    private void blocks(Node parent) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            block(node);
        }
    }

    private void block(Node node) {
        switch (node) {
            case Heading h -> out.heading(h.getLevel(), text(h));
            case Paragraph p -> paragraph(text(p));
            case ListBlock list -> {
                out.paragraphBreak();
                list(list, "");
                out.paragraphBreak();
            }
            case FencedCodeBlock code -> paragraph(text(code));
            case IndentedCodeBlock code -> paragraph(text(code));
            case HtmlBlock html -> paragraph(text(html));
            case TableBlock table -> {
                out.paragraphBreak();
                table(table);
                out.paragraphBreak();
            }
            case ThematicBreak ignored -> out.paragraphBreak();
            case LinkReferenceDefinition ignored -> {
                // "[id]: url" defines a link target; it is not text
            }
            default -> { // block quotes and unknown containers: their content
                if (depth >= MAX_NESTING) {
                    paragraph(text(node));
                } else {
                    depth++;
                    blocks(node);
                    depth--;
                }
            }
        }
    }

    private void paragraph(String text) {
        out.paragraphBreak();
        out.append(text);
        out.paragraphBreak();
    }

    private void list(ListBlock list, String indent) {
        int number = list instanceof OrderedList ordered && ordered.getMarkerStartNumber() != null
                ? ordered.getMarkerStartNumber() : 1;
        String delimiter = list instanceof OrderedList ordered && ordered.getMarkerDelimiter() != null
                ? ordered.getMarkerDelimiter() : ".";
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            String marker = list instanceof BulletList ? "- " : (number++) + delimiter + " ";
            String continuation = indent + " ".repeat(marker.length());
            boolean first = true;
            for (Node child = item.getFirstChild(); child != null; child = child.getNext()) {
                String prefix = first ? indent + marker : continuation;
                switch (child) {
                    case ListBlock nested -> {
                        if (first) line(indent + marker.strip());
                        if (depth >= MAX_NESTING) {
                            lines(continuation, continuation, text(nested));
                        } else {
                            depth++;
                            list(nested, continuation);
                            depth--;
                        }
                    }
                    default -> lines(prefix, continuation, text(child));
                }
                first = false;
            }
            if (first) line(indent + marker.strip()); // an empty item still counts
        }
    }

    private void lines(String firstPrefix, String prefix, String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            line((i == 0 ? firstPrefix : prefix) + lines[i]);
        }
    }

    private void line(String text) {
        out.lineBreak();
        out.append(text);
        out.lineBreak();
    }

    /** Rows under the head row carry its cells as column names ({@link TableRows}). */
    private void table(TableBlock table) {
        // TableHead and TableBody hold the rows; a row's children are its cells
        List<String> header = null;
        List<List<String>> rows = new ArrayList<>();
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) continue;
                List<String> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell) cells.add(text(cell).strip());
                }
                if (section instanceof TableHead && header == null) header = cells;
                else rows.add(cells);
            }
        }
        TableRows.write(header, rows, out);
    }

    /**
     * Plain text of everything below {@code parent}: inline markup dropped, blocks on new lines,
     * code and HTML literals included. Walks the tree without recursion, so any depth is safe.
     */
    private static String text(Node parent) {
        switch (parent) {
            case FencedCodeBlock code -> {
                return stripFinalNewline(code.getLiteral());
            }
            case IndentedCodeBlock code -> {
                return stripFinalNewline(code.getLiteral());
            }
            case HtmlBlock html -> {
                return stripTags(html.getLiteral());
            }
            default -> {
            }
        }
        StringBuilder sb = new StringBuilder();
        Node node = parent.getFirstChild();
        while (node != null) {
            boolean descend = false;
            switch (node) {
                case Text t -> sb.append(t.getLiteral());
                case Code c -> sb.append(c.getLiteral());
                case SoftLineBreak ignored -> sb.append(' ');
                case HardLineBreak ignored -> sb.append('\n');
                case HtmlInline ignored -> {
                    // a tag such as <br> or <kbd>: markup, not text
                }
                case FencedCodeBlock code -> newLineThen(sb, stripFinalNewline(code.getLiteral()));
                case IndentedCodeBlock code -> newLineThen(sb, stripFinalNewline(code.getLiteral()));
                case HtmlBlock html -> newLineThen(sb, stripTags(html.getLiteral()));
                // emphasis, links, images (alt text), blocks and extension nodes: their children's text
                default -> {
                    if (node instanceof Block) newLineThen(sb, "");
                    descend = node.getFirstChild() != null;
                }
            }
            if (descend) {
                node = node.getFirstChild();
                continue;
            }
            while (node != parent && node.getNext() == null) node = node.getParent();
            node = node == parent ? null : node.getNext();
        }
        return sb.toString();
    }

    private static void newLineThen(StringBuilder sb, String text) {
        if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '\n') sb.append('\n');
        sb.append(text);
    }

    private static String stripFinalNewline(String literal) {
        return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
    }

    /** Raw HTML inside Markdown: keep the text between tags, drop tags and comments. */
    private static String stripTags(String html) {
        return HTML_TAG.matcher(HTML_COMMENT.matcher(html).replaceAll("")).replaceAll("");
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if ((first == '"' || first == '\'') && first == last) return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
