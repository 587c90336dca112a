package io.knowhow.ingest;

import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.core.port.DocumentParser;
import io.knowhow.core.port.UnreadableDocumentException;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.PagedText;
import org.apache.tika.metadata.Property;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.html.DefaultHtmlMapper;
import org.apache.tika.parser.html.HtmlMapper;
import org.apache.tika.parser.html.JSoupParser;
import org.apache.tika.parser.microsoft.OfficeParser;
import org.apache.tika.parser.microsoft.OfficeParserConfig;
import org.apache.tika.parser.epub.EpubParser;
import org.apache.tika.parser.mail.RFC822Parser;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.microsoft.rtf.RTFParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.parser.pdf.PDFParser;
import org.apache.tika.parser.pdf.PDFParserConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Reads .txt, .md, .html, .pdf, .docx, .xlsx, .pptx, .odt, .rtf, .epub, .eml, .csv and .tsv files into
 * {@link Document}s of cleaned text split into sections by heading, using Apache Tika for HTML, PDF, the office
 * formats, EPUB and e-mail, commonmark for Markdown and Commons CSV for CSV/TSV. Tables (HTML, DOCX, ODT, PPTX, GFM,
 * CSV/TSV, and every sheet of an XLSX) become one paragraph per row whose cells carry their column headers
 * ({@link TableRows}). The document's language is detected from its text ({@link LanguageDetection}), else taken
 * from the format's metadata, else left empty.
 *
 * <p>Headings: HTML and EPUB h1-h6, DOCX "heading N" styles and ODT outline levels (through Tika's XHTML events),
 * Markdown ATX and setext headings, a slide's title ({@link PptxSlides}), a sheet's name, an e-mail's subject
 * ({@link MailParts}). Plain text, RTF and PDF give one section without headings. The title is the format's
 * metadata title (HTML {@code <title>}, document properties, Markdown front matter, the e-mail's subject), else the
 * first level-1 heading (not for spreadsheets, whose first heading is a sheet name), else the file name.
 *
 * <p>Every failure is an {@link UnreadableDocumentException} whose message starts with the file's path and says
 * what is wrong in words a user can act on; no Tika, POI or PDFBox exception escapes. Hostile and damaged files
 * are refused by name within {@link ParseLimits}: text is counted as it arrives and refused past
 * {@code maxChars}; a ZIP-based document is unpacked into nothing first ({@link ZipContainerCheck}: zip bombs,
 * the unpacked-size budget, truncation, corrupt parts); a PDF must end like one ({@link PdfStructure}). Embedded
 * documents and attachments are never parsed.
 *
 * <p>Thread-safe: the Tika parsers are stateless and every call gets its own {@link ParseContext},
 * handler and metadata.
 */
public final class TikaDocumentParser implements DocumentParser {

    /** The default cap on a document's text: 50 million characters, about 100 MB on the heap. */
    public static final long DEFAULT_MAX_CHARS = ParseLimits.DEFAULT_MAX_CHARS;

    /** What each extension is read as; the label names the format in error messages. */
    private enum Format {
        TEXT("text/plain", "text file"),
        MARKDOWN("text/markdown", "Markdown file"),
        HTML("text/html", "HTML file"),
        PDF("application/pdf", "PDF"),
        DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document (.docx)", true),
        XLSX("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook (.xlsx)", true),
        PPTX("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation (.pptx)", true),
        ODT("application/vnd.oasis.opendocument.text", "OpenDocument text (.odt)", true),
        RTF("application/rtf", "RTF document"),
        EPUB("application/epub+zip", "EPUB book", true),
        EML("message/rfc822", "e-mail message (.eml)"),
        CSV("text/csv", "CSV file"),
        TSV("text/tab-separated-values", "TSV file");

        final String mediaType;
        final String label;
        /** A ZIP package: unpacked and checked by {@link ZipContainerCheck} before it is parsed. */
        final boolean zip;

        Format(String mediaType, String label) {
            this(mediaType, label, false);
        }

        Format(String mediaType, String label, boolean zip) {
            this.mediaType = mediaType;
            this.label = label;
            this.zip = zip;
        }

        /** Office formats that, encrypted, are an OLE2 file around the encrypted package. */
        boolean ooxml() {
            return this == DOCX || this == XLSX || this == PPTX;
        }
    }

    private static final Map<String, Format> EXTENSIONS = Map.ofEntries(
            Map.entry("txt", Format.TEXT), Map.entry("text", Format.TEXT),
            Map.entry("md", Format.MARKDOWN), Map.entry("markdown", Format.MARKDOWN),
            Map.entry("html", Format.HTML), Map.entry("htm", Format.HTML),
            Map.entry("pdf", Format.PDF),
            Map.entry("docx", Format.DOCX), Map.entry("xlsx", Format.XLSX), Map.entry("pptx", Format.PPTX),
            Map.entry("odt", Format.ODT), Map.entry("rtf", Format.RTF), Map.entry("epub", Format.EPUB),
            Map.entry("eml", Format.EML),
            Map.entry("csv", Format.CSV), Map.entry("tsv", Format.TSV));

    /** An OLE2 compound file: how an encrypted .docx (or a .doc renamed to .docx) starts. */
    private static final byte[] OLE2_MAGIC = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1};

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final ParseLimits limits;
    private final long maxChars;
    private final Parser htmlParser = new JSoupParser();
    private final Parser pdfParser = new PDFParser();
    private final Parser ooxmlParser = new OOXMLParser();
    private final Parser ole2Parser = new OfficeParser();
    private final Parser odfParser = new OpenDocumentParser();
    private final Parser rtfParser = new RTFParser();
    private final Parser epubParser = new EpubParser();
    private final Parser mailParser = new RFC822Parser();

    /** A parser within {@link ParseLimits#DEFAULTS}. */
    public TikaDocumentParser() {
        this(ParseLimits.DEFAULTS);
    }

    /**
     * The default limits, with another character cap.
     *
     * @param maxChars the most characters of text one document may hold; a larger document is
     *                 refused with an {@link UnreadableDocumentException}
     */
    public TikaDocumentParser(long maxChars) {
        this(ParseLimits.DEFAULTS.withMaxChars(maxChars));
    }

    /** A parser that refuses, by name, any file over one of these limits. */
    public TikaDocumentParser(ParseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxChars = limits.maxChars();
    }

    /**
     * Starts loading what parsing will need first and cannot get cheaply later (the language profiles, 0.65 s) on a
     * background thread, so an ingest that calls this at its start overlaps it with opening the store and the model.
     * Readers never call it and never pay for it.
     */
    public void warmUp() {
        LanguageDetection.warmUp();
    }

    /** The limits this parser enforces. */
    public ParseLimits limits() {
        return limits;
    }

    /** The file name extensions this parser reads, lower case and without the dot, sorted. */
    public static Set<String> supportedExtensions() {
        return new TreeSet<>(EXTENSIONS.keySet());
    }

    @Override
    public boolean supports(Path file) {
        return format(file) != null;
    }

    @Override
    public Document parse(Path file, String source) throws UnreadableDocumentException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(source, "source");
        Format format = checkFile(file);
        try {
            return parse(file, source, format);
        } catch (OutOfMemoryError e) {
            // The last resort, after the limits that should make it unreachable (ParseLimits, ZipContainerCheck).
            // Acceptable here, and only here: everything the failed parse allocated (a DOM, buffers) was reachable
            // from this call's frames alone, so once the error has unwound them the heap is back where it was before
            // this file, and reporting the file beats aborting an ingest of thousands. Not acceptable in general:
            // another thread may have been the one to hit the wall (a server parsing two files at once fails both),
            // and an error inside a class initialiser or a library's cache leaves that broken for good. The limits,
            // not this catch, are the protection; this only keeps one unforeseen file from taking the others down.
            throw new UnreadableDocumentException(file + " needs more memory to parse than this process has (the"
                    + " heap ran out while reading it); nothing of it was ingested. Lower " + ParseLimits.MAX_UNZIPPED_BYTES_KEY
                    + " or " + ParseLimits.MAX_CHARS_KEY + " so such a file is refused early, or give the JVM more memory (-Xmx)");
        }
    }

    private Document parse(Path file, String source, Format format) throws UnreadableDocumentException {
        Metadata metadata = new Metadata();
        SectionCollector collector = new SectionCollector(switch (format) {
            case TEXT, EML -> TextCleaner.LineBreaks.UNWRAP;
            case PDF -> TextCleaner.LineBreaks.UNWRAP_AND_JOIN_HYPHENATED;
            case MARKDOWN, HTML, DOCX, XLSX, PPTX, ODT, RTF, EPUB, CSV, TSV -> TextCleaner.LineBreaks.KEEP;
        });
        Map<String, String> info = new LinkedHashMap<>();
        info.put("content-type", format.mediaType);
        String title;
        try {
            if (format.zip && !(format.ooxml() && startsWith(file, OLE2_MAGIC))) {
                ZipContainerCheck.check(file, format.label, limits);
            }
            if (format == Format.PDF) PdfStructure.checkComplete(file);
            if (format == Format.RTF) checkRtfComplete(file);
            title = switch (format) {
                case TEXT -> {
                    TextDecoder.Decoded decoded = TextDecoder.decode(file, maxChars);
                    info.put("charset", decoded.charset().name());
                    collector.append(decoded.text());
                    yield null;
                }
                case MARKDOWN -> {
                    TextDecoder.Decoded decoded = TextDecoder.decode(file, maxChars);
                    info.put("charset", decoded.charset().name());
                    yield MarkdownSections.render(decoded.text(), collector);
                }
                case CSV, TSV -> {
                    TextDecoder.Decoded decoded = TextDecoder.decode(file, maxChars);
                    info.put("charset", decoded.charset().name());
                    DelimitedRows.render(file, decoded.text(), format == Format.TSV ? '\t' : ',', collector);
                    yield null;
                }
                case PPTX -> startsWith(file, OLE2_MAGIC) ? parseWithTika(file, format, collector, metadata) : parseSlides(file, collector);
                case HTML, PDF, DOCX, XLSX, ODT, RTF, EPUB, EML -> parseWithTika(file, format, collector, metadata);
            };
        } catch (IOException e) {
            // Permissions can refuse the open although access(2) said yes (root on a kernel file, a file changed meanwhile).
            if (hasCause(e, AccessDeniedException.class))
                throw new UnreadableDocumentException(file + " cannot be read: permission denied; check the file's permissions", e);
            throw new UnreadableDocumentException(file + " could not be read: " + reason(e), e);
        }
        List<Section> sections = collector.finish();
        if (format == Format.PDF) {
            try {
                PdfStructure.checkRecovered(file, sections.stream().mapToInt(sec -> sec.text().length()).sum());
            } catch (IOException e) {
                throw new UnreadableDocumentException(file + " could not be read: " + reason(e), e);
            }
        }
        if (sections.isEmpty()) throw noText(file, format, collector.headingCount() > 0);
        copyMetadata(metadata, info);
        // a spreadsheet's first heading is its first sheet's name ("Sheet1"): the file name says more
        String firstHeading = format == Format.XLSX ? null : collector.firstH1();
        Document parsed = new Document(source, firstNonBlank(title, firstHeading, fileName(file)), sections, info);
        String language = LanguageDetection.of(parsed.fullText());
        if (language.isEmpty()) language = LanguageDetection.code(info.get("language"));
        return new Document(parsed.source(), parsed.title(), parsed.sections(), parsed.metadata(), language);
    }

    /** Checks what can be checked without parsing, in the order a user would fix things. */
    private static Format checkFile(Path file) throws UnreadableDocumentException {
        if (!Files.exists(file)) {
            String why = Files.isSymbolicLink(file) ? " (it is a symbolic link to a missing file)" : "";
            throw new UnreadableDocumentException(file + " does not exist" + why);
        }
        if (Files.isDirectory(file)) {
            throw new UnreadableDocumentException(file + " is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UnreadableDocumentException(file + " is not a regular file (a device, pipe or socket)");
        }
        Format format = format(file);
        if (format == null) {
            String ext = extension(file);
            throw new UnreadableDocumentException(file + " has an unsupported file type"
                    + (ext.isEmpty() ? " (no extension)" : " '." + ext + "'")
                    + ": supported are ." + String.join(", .", supportedExtensions()));
        }
        if (!Files.isReadable(file)) {
            throw new UnreadableDocumentException(file + " cannot be read: permission denied;"
                    + " check the file's permissions");
        }
        try {
            if (Files.size(file) == 0) throw new UnreadableDocumentException(file + " is empty");
        } catch (IOException e) {
            throw new UnreadableDocumentException(file + " could not be read: " + reason(e), e);
        }
        return format;
    }

    /** Parses with the format's Tika parser and returns the metadata's title. */
    private String parseWithTika(Path file, Format format, SectionCollector collector, Metadata metadata)
            throws UnreadableDocumentException, IOException {
        Parser parser = switch (format) {
            case HTML -> {
                TextDecoder.checkNotBinary(file, TextDecoder.readHead(file, TextDecoder.SNIFF_BYTES));
                yield htmlParser;
            }
            case PDF -> pdfParser;
            // an encrypted .docx (.xlsx, .pptx) is an OLE2 container around the encrypted package; only the OLE2
            // parser recognises it and reports it as encrypted
            case DOCX, XLSX, PPTX -> startsWith(file, OLE2_MAGIC) ? ole2Parser : ooxmlParser;
            case ODT -> odfParser;
            case RTF -> rtfParser;
            case EPUB -> epubParser;
            case EML -> mailParser;
            default -> throw new IllegalStateException("not a Tika format: " + format);
        };
        XhtmlSectionHandler sections = new XhtmlSectionHandler(collector, switch (format) {
            case HTML, EPUB, EML -> XhtmlSectionHandler.Layout.HTML;
            case PDF -> XhtmlSectionHandler.Layout.PRINTED;
            default -> XhtmlSectionHandler.Layout.WORD_PROCESSOR;
        }, maxChars);
        ParseContext context = newContext();
        org.xml.sax.ContentHandler handler = sections;
        if (format == Format.EML) {
            MailParts parts = new MailParts(htmlParser);
            context.set(EmbeddedDocumentExtractor.class, parts);
            handler = new MailParts.Headers(sections, metadata, parts);
        }
        try (TikaInputStream in = TikaInputStream.get(file, metadata)) {
            parser.parse(in, handler, metadata, context);
        } catch (Exception e) { // Tika, SAX, I/O, and the runtime exceptions POI and PDFBox throw on bad input
            throw failure(file, format, e);
        }
        return metadata.get(TikaCoreProperties.TITLE);
    }

    /** A .pptx through {@link PptxSlides}; returns the document's title, else the first slide's. */
    private String parseSlides(Path file, SectionCollector collector) throws UnreadableDocumentException, IOException {
        XhtmlSectionHandler handler = new XhtmlSectionHandler(collector, XhtmlSectionHandler.Layout.WORD_PROCESSOR, maxChars);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String title = PptxSlides.coreTitle(zip);
            String firstSlide = PptxSlides.render(zip, handler, maxChars);
            return title != null && !title.isBlank() ? title : firstSlide;
        } catch (Exception e) {
            throw failure(file, Format.PPTX, e);
        }
    }

    /**
     * An RTF document is one group: it ends with the brace that closes the one it starts with. Tika's RTF parser
     * reads a file cut short without a word, so a missing last brace is the sign of a truncated file.
     */
    private static void checkRtfComplete(Path file) throws IOException, UnreadableDocumentException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(Math.max(0, size - 64));
            byte[] tail = in.readAllBytes();
            int i = tail.length - 1;
            while (i >= 0 && (tail[i] == 0 || Character.isWhitespace(tail[i]))) i--;
            if (i < 0 || tail[i] != '}') {
                throw ZipContainerCheck.truncated(file, size, "it does not end with the closing brace of an RTF document");
            }
        }
    }

    /** A fresh context per call: Tika's configs are mutable and must not be shared across threads. */
    private static ParseContext newContext() {
        ParseContext context = new ParseContext();
        PDFParserConfig pdf = new PDFParserConfig();
        // bookmarks would be appended to the body as a list, duplicating the headings' text
        pdf.setExtractBookmarksText(false);
        pdf.setExtractInlineImages(false);
        pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
        context.set(PDFParserConfig.class, pdf);
        OfficeParserConfig office = new OfficeParserConfig();
        // running headers and footers ("Confidential", "Page 3") repeat on every page: noise for search
        office.setIncludeHeadersAndFooters(false);
        office.setIncludeDeletedContent(false);
        office.setIncludeMoveFromContent(false);
        // DOCX and PPTX through Tika's streaming (SAX) extractors: POI's default ones build the whole document in
        // memory first, so a 1 MB file whose XML unpacks to 1 GiB exhausted the heap before one character arrived
        office.setUseSAXDocxExtractor(true);
        office.setUseSAXPptxExtractor(true);
        context.set(OfficeParserConfig.class, office);
        context.set(HtmlMapper.class, BlockHtmlMapper.INSTANCE);
        // embedded files (images, attached spreadsheets, a zip inside a docx) are never parsed: knowhow indexes
        // the document's own text, and an embedded bomb would escape the container check
        context.set(EmbeddedDocumentExtractor.class, NO_EMBEDDED);
        return context;
    }

    /** Refuses every embedded document, so none is parsed. */
    private static final EmbeddedDocumentExtractor NO_EMBEDDED = new EmbeddedDocumentExtractor() {
        @Override
        public boolean shouldParseEmbedded(Metadata metadata) {
            return false;
        }

        @Override
        public void parseEmbedded(InputStream stream, org.xml.sax.ContentHandler handler, Metadata metadata, boolean outputHtml) {
            // never called: shouldParseEmbedded says no
        }
    };

    /** The HTML mapping used for HTML files and e-mail bodies. */
    static HtmlMapper htmlMapper() {
        return BlockHtmlMapper.INSTANCE;
    }

    private UnreadableDocumentException failure(Path file, Format format, Exception e) {
        if (hasCause(e, XhtmlSectionHandler.TextLimitExceeded.class)) return tooLarge(file, maxChars);
        if (hasCause(e, EncryptedDocumentException.class)
                || hasCause(e, org.apache.poi.EncryptedDocumentException.class)
                || hasCause(e, InvalidPasswordException.class)) {
            return new UnreadableDocumentException(file + " is password-protected: save an unprotected"
                    + " copy and ingest that", e);
        }
        if (hasCause(e, AccessDeniedException.class)) {
            return new UnreadableDocumentException(file + " cannot be read: permission denied;"
                    + " check the file's permissions", e);
        }
        return new UnreadableDocumentException(file + " is not a valid " + format.label + ": " + reason(e), e);
    }

    static UnreadableDocumentException tooLarge(Path file, long maxChars) {
        return new UnreadableDocumentException(String.format(Locale.ROOT,
                "%s is too large: it holds more than %,d characters of text (%s); split it into smaller"
                        + " files or raise %s", file, maxChars, ParseLimits.MAX_CHARS_KEY, ParseLimits.MAX_CHARS_KEY));
    }

    private static UnreadableDocumentException noText(Path file, Format format, boolean hadHeadings) {
        if (hadHeadings) {
            return new UnreadableDocumentException(file + " contains only headings, no text under them");
        }
        String hint = format == Format.PDF
                ? " (scanned images are not supported: OCR is not included)" : "";
        return new UnreadableDocumentException(file + " contains no extractable text" + hint);
    }

    /** Keeps the metadata a user may filter or cite by; Tika's many raw keys stay behind. */
    private static void copyMetadata(Metadata metadata, Map<String, String> info) {
        String[] authors = metadata.getValues(TikaCoreProperties.CREATOR);
        if (authors.length > 0) info.put("author", String.join(", ", authors));
        putIfPresent(info, "created", metadata, TikaCoreProperties.CREATED);
        putIfPresent(info, "modified", metadata, TikaCoreProperties.MODIFIED);
        putIfPresent(info, "language", metadata, TikaCoreProperties.LANGUAGE);
        putIfPresent(info, "pages", metadata, PagedText.N_PAGES);
        String[] from = metadata.getValues(org.apache.tika.metadata.Message.MESSAGE_FROM);
        if (from.length > 0) info.put("from", String.join(", ", from));
        String[] to = metadata.getValues(org.apache.tika.metadata.Message.MESSAGE_TO);
        if (to.length > 0) info.put("to", String.join(", ", to));
    }

    private static void putIfPresent(Map<String, String> info, String key, Metadata metadata, Property property) {
        String value = metadata.get(property);
        if (value != null && !value.isBlank()) info.put(key, value.strip());
    }

    /** The innermost message: Tika wraps the parser library's precise reason in generic ones. */
    private static String reason(Throwable e) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t instanceof FileSystemException fse ? fseMessage(fse) : t.getMessage();
            if (message != null && !message.isBlank()) reason = message.strip();
        }
        return reason != null ? reason : "unexpected " + e.getClass().getSimpleName();
    }

    private static String fseMessage(FileSystemException e) {
        if (e.getReason() != null) return e.getReason();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        return "file system error";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private static boolean startsWith(Path file, byte[] magic) throws IOException {
        byte[] head = TextDecoder.readHead(file, magic.length);
        return Arrays.equals(head, magic);
    }

    private static Format format(Path file) {
        return EXTENSIONS.get(extension(file));
    }

    private static String extension(Path file) {
        String name = fileName(file);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The first value with text, on one line: titles are shown in lists and citations. */
    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) return WHITESPACE.matcher(v.strip()).replaceAll(" ");
        }
        throw new IllegalStateException("the file name is never blank");
    }

    /**
     * Tika's default HTML mapping drops div, br, section and other layout elements, which glues the
     * text of adjacent blocks together ("Home</div><div>News" becomes "HomeNews"); this mapping
     * passes them through so {@link XhtmlSectionHandler} can break lines, and discards the content
     * of elements that never hold document text.
     */
    private static final class BlockHtmlMapper implements HtmlMapper {
        static final BlockHtmlMapper INSTANCE = new BlockHtmlMapper();

        private static final Set<String> BLOCKS = Set.of("div", "br", "hr", "section", "article", "main",
                "header", "footer", "nav", "aside", "figure", "figcaption", "details", "summary", "caption",
                "form", "fieldset");
        private static final Set<String> DISCARD = Set.of("script", "style", "noscript", "template", "svg",
                "canvas", "object", "embed", "iframe", "frame", "frameset", "button", "select", "textarea");

        @Override
        public String mapSafeElement(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return BLOCKS.contains(lower) ? lower : DefaultHtmlMapper.INSTANCE.mapSafeElement(name);
        }

        @Override
        public boolean isDiscardElement(String name) {
            return DISCARD.contains(name.toLowerCase(Locale.ROOT)) || DefaultHtmlMapper.INSTANCE.isDiscardElement(name);
        }

        @Override
        public String mapSafeAttribute(String elementName, String attributeName) {
            return DefaultHtmlMapper.INSTANCE.mapSafeAttribute(elementName, attributeName);
        }
    }
}
