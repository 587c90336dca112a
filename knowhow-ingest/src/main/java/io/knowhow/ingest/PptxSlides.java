package io.knowhow.ingest;

import org.apache.tika.exception.TikaException;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.utils.XMLReaderUtils;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a .pptx slide by slide with a streaming XML parser: each slide's title placeholder becomes a level-1
 * heading (an untitled slide is headed "Slide N"), its other text boxes paragraphs, its tables rows with their
 * headers, and its speaker notes paragraphs after them. The events go to an {@link XhtmlSectionHandler} as if Tika
 * had produced them.
 *
 * <p>Not Tika's PPTX extractor, because Tika writes slide titles as ordinary paragraphs, so a deck would be one
 * section whose chunks know nothing of the slide they came from. Streaming, so memory follows a slide's text (which
 * the handler caps), never the size of the XML; {@link ZipContainerCheck} has bounded the parts beforehand.
 */
final class PptxSlides {
    private static final String REL_SLIDE = "/relationships/slide";
    private static final String REL_NOTES = "/relationships/notesSlide";
    private static final String REL_OFFICE_DOCUMENT = "/relationships/officeDocument";

    /** A slide's content in reading order: paragraphs, and tables as rows of cells. */
    private sealed interface Block permits Para, Table {
    }

    private record Para(String text) implements Block {
    }

    private record Table(List<List<String>> rows) implements Block {
    }

    private PptxSlides() {
    }

    /**
     * Writes the slides to {@code out} (inside startDocument/endDocument) and returns the first slide title or null.
     *
     * @param maxChars the most characters a slide may buffer; the handler counts the document's total
     */
    static String render(ZipFile zip, ContentHandler out, long maxChars) throws IOException, SAXException, TikaException {
        String presentation = target(zip, "", "_rels/.rels", REL_OFFICE_DOCUMENT).stream().findFirst().orElse("ppt/presentation.xml");
        Map<String, String> rels = relationships(zip, presentation, REL_SLIDE);
        List<String> order = new ArrayList<>();
        parse(zip, presentation, new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String q, Attributes atts) {
                if (local.equals("sldId")) {
                    String id = relId(atts);
                    if (id != null && rels.containsKey(id)) order.add(rels.get(id));
                }
            }
        });
        out.startDocument();
        start(out, "body");
        String firstTitle = null;
        int number = 0;
        for (String slide : order) {
            number++;
            SlideHandler s = new SlideHandler(false, maxChars);
            parse(zip, slide, s);
            List<Block> blocks = new ArrayList<>(s.blocks);
            for (String notes : target(zip, dir(slide), relsPath(slide), REL_NOTES)) {
                SlideHandler n = new SlideHandler(true, maxChars);
                parse(zip, notes, n);
                blocks.addAll(n.blocks);
            }
            String title = s.title.toString().strip();
            if (firstTitle == null && !title.isEmpty()) firstTitle = title;
            element(out, "h1", title.isEmpty() ? "Slide " + number : title);
            for (Block b : blocks) {
                if (b instanceof Para p) {
                    element(out, "p", p.text());
                } else if (b instanceof Table t) {
                    start(out, "table");
                    for (List<String> row : t.rows()) {
                        start(out, "tr");
                        for (String cell : row) element(out, "td", cell);
                        end(out, "tr");
                    }
                    end(out, "table");
                }
            }
        }
        end(out, "body");
        out.endDocument();
        return firstTitle;
    }

    /**
     * Collects one slide (or notes page): text of title placeholders into {@code title}, other paragraphs and
     * tables into {@code blocks}. For notes, only the body placeholder counts (the others hold the slide image and
     * the page number).
     */
    private static final class SlideHandler extends DefaultHandler {
        final boolean notes;
        final long maxChars;
        final StringBuilder title = new StringBuilder();
        final List<Block> blocks = new ArrayList<>();
        /** One entry per open shape, innermost last: its placeholder type, "" for none. */
        final List<String> shapes = new ArrayList<>();
        StringBuilder para;
        List<List<String>> rows;
        List<String> row;
        StringBuilder cell;
        long chars;

        SlideHandler(boolean notes, long maxChars) {
            this.notes = notes;
            this.maxChars = maxChars;
        }

        @Override
        public void startElement(String uri, String local, String q, Attributes atts) {
            switch (local) {
                case "sp" -> shapes.add("");
                case "ph" -> {
                    if (!shapes.isEmpty()) {
                        String type = atts.getValue("type");
                        shapes.set(shapes.size() - 1, type == null ? "body" : type); // no type: a body placeholder
                    }
                }
                case "tbl" -> rows = new ArrayList<>();
                case "tr" -> row = rows == null ? null : new ArrayList<>();
                case "tc" -> cell = row == null ? null : new StringBuilder();
                case "p" -> para = new StringBuilder();
                case "br" -> {
                    if (para != null) para.append('\n');
                }
                default -> {
                }
            }
        }

        @Override
        public void endElement(String uri, String local, String q) {
            switch (local) {
                case "sp" -> {
                    if (!shapes.isEmpty()) shapes.removeLast();
                }
                case "p" -> {
                    if (para == null) return;
                    String text = para.toString().strip();
                    para = null;
                    if (text.isEmpty()) return;
                    if (cell != null) {
                        if (!cell.isEmpty()) cell.append(' ');
                        cell.append(text);
                    } else if (isTitle()) {
                        if (!title.isEmpty()) title.append(' ');
                        title.append(text);
                    } else if (!notes || shapeType().equals("body")) {
                        blocks.add(new Para(text));
                    }
                }
                case "tc" -> {
                    if (row != null && cell != null) row.add(cell.toString());
                    cell = null;
                }
                case "tr" -> {
                    if (rows != null && row != null) rows.add(row);
                    row = null;
                }
                case "tbl" -> {
                    if (rows != null && !rows.isEmpty() && !notes) blocks.add(new Table(rows));
                    rows = null;
                }
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (para == null) return; // text outside a:p: none that a reader sees
            chars += length;
            if (chars > maxChars) throw new XhtmlSectionHandler.TextLimitExceeded(maxChars);
            para.append(ch, start, length);
        }

        private String shapeType() {
            return shapes.isEmpty() ? "" : shapes.getLast();
        }

        private boolean isTitle() {
            String t = shapeType();
            return !notes && (t.equals("title") || t.equals("ctrTitle"));
        }
    }

    /** The title in the document's properties (docProps/core.xml), or null. */
    static String coreTitle(ZipFile zip) throws IOException, SAXException, TikaException {
        StringBuilder title = new StringBuilder();
        boolean[] in = {false};
        for (String core : target(zip, "", "_rels/.rels", "/metadata/core-properties")) {
            parse(zip, core, new DefaultHandler() {
                @Override
                public void startElement(String uri, String local, String q, Attributes atts) {
                    in[0] = local.equals("title");
                }

                @Override
                public void endElement(String uri, String local, String q) {
                    in[0] = false;
                }

                @Override
                public void characters(char[] ch, int start, int length) {
                    if (in[0] && title.length() < 1000) title.append(ch, start, Math.min(length, 1000));
                }
            });
        }
        return title.isEmpty() ? null : title.toString();
    }

    private static String relId(Attributes atts) {
        for (int i = 0; i < atts.getLength(); i++) {
            if (atts.getLocalName(i).equals("id") && atts.getURI(i).contains("relationships")) return atts.getValue(i);
        }
        return null;
    }

    /** Relationship id → part name, for the relationships of {@code part} of the given type. */
    private static Map<String, String> relationships(ZipFile zip, String part, String typeSuffix)
            throws IOException, SAXException, TikaException {
        Map<String, String> out = new LinkedHashMap<>();
        String base = dir(part);
        parse(zip, relsPath(part), new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String q, Attributes atts) {
                if (local.equals("Relationship") && atts.getValue("Type") != null && atts.getValue("Type").endsWith(typeSuffix)
                        && !"External".equals(atts.getValue("TargetMode"))) {
                    out.put(atts.getValue("Id"), resolve(base, atts.getValue("Target")));
                }
            }
        });
        return out;
    }

    private static List<String> target(ZipFile zip, String base, String rels, String typeSuffix)
            throws IOException, SAXException, TikaException {
        if (zip.getEntry(rels) == null) return List.of();
        List<String> out = new ArrayList<>();
        parse(zip, rels, new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String q, Attributes atts) {
                if (local.equals("Relationship") && atts.getValue("Type") != null && atts.getValue("Type").endsWith(typeSuffix)
                        && !"External".equals(atts.getValue("TargetMode"))) {
                    out.add(resolve(base, atts.getValue("Target")));
                }
            }
        });
        return out;
    }

    /** "ppt/slides/slide1.xml" → "ppt/slides/_rels/slide1.xml.rels". */
    private static String relsPath(String part) {
        int slash = part.lastIndexOf('/');
        return part.substring(0, slash + 1) + "_rels/" + part.substring(slash + 1) + ".rels";
    }

    private static String dir(String part) {
        return part.substring(0, part.lastIndexOf('/') + 1);
    }

    /** A relationship target relative to the source part's folder ("../notesSlides/x.xml"), or absolute ("/ppt/x.xml"). */
    private static String resolve(String base, String target) {
        if (target == null) return "";
        if (target.startsWith("/")) return target.substring(1);
        List<String> parts = new ArrayList<>(List.of(base.split("/")));
        parts.removeIf(String::isEmpty);
        for (String seg : target.split("/")) {
            if (seg.equals("..")) {
                if (!parts.isEmpty()) parts.removeLast();
            } else if (!seg.equals(".") && !seg.isEmpty()) {
                parts.add(seg);
            }
        }
        return String.join("/", parts);
    }

    /** Parses one part with Tika's hardened SAX parser (no DTDs, no external entities); a missing part is empty. */
    private static void parse(ZipFile zip, String part, DefaultHandler handler) throws IOException, SAXException, TikaException {
        ZipEntry entry = zip.getEntry(part);
        if (entry == null) return;
        try (InputStream in = zip.getInputStream(entry)) {
            XMLReaderUtils.parseSAX(in, handler, new ParseContext());
        }
    }

    private static void start(ContentHandler out, String name) throws SAXException {
        out.startElement("", name, name, new AttributesImpl());
    }

    private static void end(ContentHandler out, String name) throws SAXException {
        out.endElement("", name, name);
    }

    private static void element(ContentHandler out, String name, String text) throws SAXException {
        start(out, name);
        char[] chars = text.toCharArray();
        out.characters(chars, 0, chars.length);
        end(out, name);
    }
}
