package io.knowhow.ingest;

import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.metadata.Message;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.ContentHandlerDecorator;
import org.apache.tika.sax.EmbeddedContentHandler;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An e-mail (.eml) as knowhow indexes it: the subject as a level-1 heading, a line "From: … | To: … | Cc: … | Date: …",
 * the body text, and the names of the attachments, which are listed but never parsed.
 *
 * <p>Tika's RFC822Parser hands every MIME part, the body included, to the {@link EmbeddedDocumentExtractor} of the
 * parse context (Tika's default one parses attachments with whatever parsers are on the classpath — an attached
 * zip bomb or a 100 MB PDF included). This one reads only the body: text/html through the HTML parser, text/plain
 * line by line; a part with a file name or an attachment disposition is recorded by name. Of a
 * multipart/alternative body Tika passes one alternative (the HTML one when there is one).
 */
final class MailParts implements EmbeddedDocumentExtractor {
    private final Parser htmlParser;
    private final List<String> attachments = new ArrayList<>();

    MailParts(Parser htmlParser) {
        this.htmlParser = htmlParser;
    }

    @Override
    public boolean shouldParseEmbedded(Metadata metadata) {
        return true; // decided in parseEmbedded, which also records what it leaves out
    }

    @Override
    public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
            throws SAXException, IOException {
        String type = String.valueOf(metadata.get(Metadata.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
        String name = metadata.get(TikaCoreProperties.RESOURCE_NAME_KEY);
        String disposition = String.valueOf(metadata.get(Metadata.CONTENT_DISPOSITION)).toLowerCase(Locale.ROOT);
        if (name != null || disposition.startsWith("attachment") || !type.startsWith("text/")) {
            attachments.add(name != null ? name : type.equals("null") ? "unnamed part" : "unnamed " + type);
            return;
        }
        ContentHandler body = new EmbeddedContentHandler(handler);
        if (type.startsWith("text/html")) {
            try {
                htmlParser.parse(stream, body, new Metadata(), htmlContext());
            } catch (org.apache.tika.exception.TikaException e) {
                throw new IOException("the HTML body cannot be read: " + e.getMessage(), e);
            }
        } else {
            plainText(stream, charset(metadata), body);
        }
    }

    /**
     * Plain text: a blank line ends a paragraph, each other line ends with a line break, so the collector can join
     * lines that a mail client wrapped at 72 characters.
     */
    private static void plainText(InputStream stream, Charset charset, ContentHandler out) throws IOException, SAXException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
        out.startElement("", "p", "p", new AttributesImpl());
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isBlank()) {
                out.endElement("", "p", "p");
                out.startElement("", "p", "p", new AttributesImpl());
                continue;
            }
            char[] chars = line.toCharArray();
            out.characters(chars, 0, chars.length); // counted against the character limit as it arrives
            out.startElement("", "br", "br", new AttributesImpl());
            out.endElement("", "br", "br");
        }
        out.endElement("", "p", "p");
    }

    private static Charset charset(Metadata metadata) {
        String name = metadata.get(Metadata.CONTENT_ENCODING);
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name.strip());
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    private ParseContext htmlContext() {
        ParseContext context = new ParseContext();
        context.set(org.apache.tika.parser.html.HtmlMapper.class, TikaDocumentParser.htmlMapper());
        return context;
    }

    /** The names of the parts that were left out, in message order. */
    List<String> attachments() {
        return List.copyOf(attachments);
    }

    /**
     * Wraps the section handler: when the message's body starts, writes the subject as a heading and the header
     * paragraph (RFC822Parser has read the headers into the metadata by then); when it ends, the attachment list.
     */
    static final class Headers extends ContentHandlerDecorator {
        private final Metadata metadata;
        private final MailParts parts;
        private boolean written;
        /** Open body elements: the message's, and an HTML body's inside it. */
        private int bodies;

        Headers(ContentHandler handler, Metadata metadata, MailParts parts) {
            super(handler);
            this.metadata = metadata;
            this.parts = parts;
        }

        @Override
        public void startElement(String uri, String localName, String name, Attributes atts) throws SAXException {
            super.startElement(uri, localName, name, atts);
            if (localName.equals("body")) bodies++;
            if (!written && localName.equals("body")) {
                written = true;
                String subject = metadata.get(TikaCoreProperties.TITLE);
                if (subject != null && !subject.isBlank()) element("h1", subject);
                List<String> lines = new ArrayList<>();
                line(lines, "From", metadata.getValues(Message.MESSAGE_FROM));
                line(lines, "To", metadata.getValues(Message.MESSAGE_TO));
                line(lines, "Cc", metadata.getValues(Message.MESSAGE_CC));
                String date = metadata.get(TikaCoreProperties.CREATED);
                if (date != null) lines.add("Date: " + date);
                // one line, "From: … | To: … | Date: …", as table rows are written: the collector unwraps
                // hard-wrapped e-mail text, and a long To line would otherwise swallow the next header
                if (!lines.isEmpty()) element("p", String.join(" | ", lines));
            }
        }

        @Override
        public void endElement(String uri, String localName, String name) throws SAXException {
            if (localName.equals("body") && --bodies == 0 && !parts.attachments.isEmpty()) {
                element("p", "Attachments (not indexed): " + String.join(", ", parts.attachments));
            }
            super.endElement(uri, localName, name);
        }

        private static void line(List<String> lines, String label, String[] values) {
            if (values != null && values.length > 0) lines.add(label + ": " + String.join(", ", values));
        }

        private void element(String name, String text) throws SAXException {
            super.startElement("", name, name, new AttributesImpl());
            characters(text);
            super.endElement("", name, name);
        }

        private void characters(String text) throws SAXException {
            char[] chars = text.toCharArray();
            super.characters(chars, 0, chars.length);
        }
    }
}
