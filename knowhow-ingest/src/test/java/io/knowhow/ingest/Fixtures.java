package io.knowhow.ingest;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionURI;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationText;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTString;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.poi.xslf.usermodel.SlideLayout;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFNotes;
import org.apache.poi.xslf.usermodel.XSLFSlide;
import org.apache.poi.xslf.usermodel.XSLFSlideLayout;
import org.apache.poi.xslf.usermodel.XSLFTable;
import org.apache.poi.xslf.usermodel.XSLFTableRow;
import org.apache.poi.xslf.usermodel.XSLFTextShape;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

/** Builds the test documents in a temporary folder, so no binary fixtures are checked in. */
final class Fixtures {

    private Fixtures() {
    }

    /** A paragraph of a generated DOCX: a style id ("Heading1", or null for body text) and text. */
    record Para(String style, String text) {
        static Para h(int level, String text) {
            return new Para("Heading" + level, text);
        }

        static Para p(String text) {
            return new Para(null, text);
        }
    }

    static XWPFDocument docx(String title, List<Para> paragraphs) {
        XWPFDocument doc = new XWPFDocument();
        addHeadingStyles(doc);
        if (title != null) doc.getProperties().getCoreProperties().setTitle(title);
        for (Para para : paragraphs) {
            XWPFParagraph p = doc.createParagraph();
            if (para.style() != null) p.setStyle(para.style());
            p.createRun().setText(para.text());
        }
        return doc;
    }

    static Path write(XWPFDocument doc, Path file) throws IOException {
        try (doc; OutputStream out = Files.newOutputStream(file)) {
            doc.write(out);
        }
        return file;
    }

    /** Adds a 2x2 table after the existing paragraphs. */
    static void table(XWPFDocument doc, String a, String b, String c, String d) {
        XWPFTable table = doc.createTable(2, 2);
        table.getRow(0).getCell(0).setText(a);
        table.getRow(0).getCell(1).setText(b);
        table.getRow(1).getCell(0).setText(c);
        table.getRow(1).getCell(1).setText(d);
    }

    /**
     * A blank XWPFDocument has no styles part, so a paragraph styled "Heading1" refers to nothing and
     * Tika, which maps headings by the style's name ("heading 1"), would see a plain paragraph.
     * Word itself writes these definitions into every document.
     */
    private static void addHeadingStyles(XWPFDocument doc) {
        XWPFStyles styles = doc.createStyles();
        for (int level = 1; level <= 3; level++) {
            CTStyle style = CTStyle.Factory.newInstance();
            style.setStyleId("Heading" + level);
            style.setType(STStyleType.PARAGRAPH);
            CTString name = CTString.Factory.newInstance();
            name.setVal("heading " + level);
            style.setName(name);
            styles.addStyle(new XWPFStyle(style, styles));
        }
    }

    /** Writes {@code doc} encrypted with {@code password} the way Word does (agile encryption). */
    static Path writeEncrypted(XWPFDocument doc, Path file, String password) throws IOException, GeneralSecurityException {
        try (doc; POIFSFileSystem fs = new POIFSFileSystem()) {
            Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword(password);
            try (OutputStream out = encryptor.getDataStream(fs)) {
                doc.write(out);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                fs.writeFilesystem(out);
            }
        }
        return file;
    }

    /**
     * A one-page PDF in Helvetica 11pt with 14pt leading: each inner list is a paragraph of lines,
     * paragraphs separated by a gap of two extra lines, the way a word processor lays them out.
     */
    static PDDocument pdf(String title, List<List<String>> paragraphs) throws IOException {
        PDDocument doc = new PDDocument();
        PDPage page = new PDPage(PDRectangle.A4);
        doc.addPage(page);
        if (title != null) doc.getDocumentInformation().setTitle(title);
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
            content.beginText();
            content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
            content.newLineAtOffset(72, 760);
            for (int i = 0; i < paragraphs.size(); i++) {
                if (i > 0) content.newLineAtOffset(0, -28);
                for (String line : paragraphs.get(i)) {
                    content.showText(line);
                    content.newLineAtOffset(0, -14);
                }
            }
            content.endText();
        }
        return doc;
    }

    /** Adds a link annotation to {@code uri} and a sticky note with {@code note} to the first page. */
    static PDDocument withLinkAndNote(PDDocument doc, String uri, String note) throws IOException {
        PDPage page = doc.getPage(0);
        PDAnnotationLink link = new PDAnnotationLink();
        link.setRectangle(new PDRectangle(72, 750, 100, 14));
        PDActionURI action = new PDActionURI();
        action.setURI(uri);
        link.setAction(action);
        page.getAnnotations().add(link);
        PDAnnotationText sticky = new PDAnnotationText();
        sticky.setRectangle(new PDRectangle(300, 750, 20, 20));
        sticky.setContents(note);
        page.getAnnotations().add(sticky);
        return doc;
    }

    /** A PDF whose only page has no text: what a scanner without OCR produces, minus the image. */
    static PDDocument blankPdf() {
        PDDocument doc = new PDDocument();
        doc.addPage(new PDPage(PDRectangle.A4));
        return doc;
    }

    static Path save(PDDocument doc, Path file) throws IOException {
        try (doc) {
            doc.save(file.toFile());
        }
        return file;
    }

    static Path saveEncrypted(PDDocument doc, Path file, String userPassword) throws IOException {
        try (doc) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", userPassword, new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            doc.save(file.toFile());
        }
        return file;
    }

    /** A workbook: each sheet is a name and rows of cells (String or Double; null leaves the cell out). */
    static Path xlsx(Path file, String title, java.util.Map<String, List<List<Object>>> sheets) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            if (title != null) wb.getProperties().getCoreProperties().setTitle(title);
            for (var sheet : sheets.entrySet()) {
                XSSFSheet s = wb.createSheet(sheet.getKey());
                for (int r = 0; r < sheet.getValue().size(); r++) {
                    XSSFRow row = s.createRow(r);
                    List<Object> cells = sheet.getValue().get(r);
                    for (int c = 0; c < cells.size(); c++) {
                        Object v = cells.get(c);
                        if (v instanceof String text) row.createCell(c).setCellValue(text);
                        else if (v instanceof Number n) row.createCell(c).setCellValue(n.doubleValue());
                    }
                }
            }
            wb.write(out);
        }
        return file;
    }

    /** A slide: title (null for none), body lines, an optional table (first row the header), speaker notes (or null). */
    record Slide(String title, List<String> body, List<List<String>> table, String notes) {
    }

    static Path pptx(Path file, List<Slide> slides) throws IOException {
        try (XMLSlideShow show = new XMLSlideShow(); OutputStream out = Files.newOutputStream(file)) {
            XSLFSlideLayout titled = show.getSlideMasters().get(0).getLayout(SlideLayout.TITLE_AND_CONTENT);
            XSLFSlideLayout blank = show.getSlideMasters().get(0).getLayout(SlideLayout.BLANK);
            for (Slide spec : slides) {
                XSLFSlide slide = show.createSlide(spec.title() == null ? blank : titled);
                if (spec.title() != null) {
                    slide.getPlaceholder(0).setText(spec.title());
                    XSLFTextShape body = slide.getPlaceholder(1);
                    if (spec.body().isEmpty()) slide.removeShape(body);
                    else body.setText(String.join("\n", spec.body()));
                } else {
                    for (String line : spec.body()) slide.createTextBox().setText(line);
                }
                if (spec.table() != null) {
                    XSLFTable table = slide.createTable();
                    for (List<String> cells : spec.table()) {
                        XSLFTableRow row = table.addRow();
                        for (String c : cells) row.addCell().setText(c);
                    }
                }
                if (spec.notes() != null) {
                    XSLFNotes notes = show.getNotesSlide(slide);
                    for (XSLFTextShape shape : notes.getPlaceholders()) {
                        if (shape.getTextType() == org.apache.poi.sl.usermodel.Placeholder.BODY) shape.setText(spec.notes());
                    }
                }
            }
            show.write(out);
        }
        return file;
    }

    /** A ZIP of the given parts in order; a part named "mimetype" is stored uncompressed, as ODF and EPUB require. */
    static Path zip(Path file, String... namesAndTexts) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < namesAndTexts.length; i += 2) {
                ZipEntry entry = new ZipEntry(namesAndTexts[i]);
                byte[] bytes = namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8);
                if (namesAndTexts[i].equals("mimetype")) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setCrc(crc.getValue());
                }
                z.putNextEntry(entry);
                z.write(bytes);
                z.closeEntry();
            }
        }
        return file;
    }

    /** An OpenDocument text whose body is the given ODF XML (text:h, text:p, table:table ...). */
    static Path odt(Path file, String title, String bodyXml) throws IOException {
        String ns = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
                + " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"";
        return zip(file, "mimetype", "application/vnd.oasis.opendocument.text",
                "META-INF/manifest.xml", "<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
                        + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                        + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>",
                "content.xml", "<?xml version=\"1.0\"?><office:document-content " + ns + " office:version=\"1.2\">"
                        + "<office:body><office:text>" + bodyXml + "</office:text></office:body></office:document-content>",
                "meta.xml", "<?xml version=\"1.0\"?><office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                        + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:meta>" + (title == null ? "" : "<dc:title>" + title + "</dc:title>")
                        + "</office:meta></office:document-meta>");
    }

    /** An EPUB 3 book: chapters are XHTML bodies, in spine order. */
    static Path epub(Path file, String title, String... chapterBodies) throws IOException {
        StringBuilder manifest = new StringBuilder();
        StringBuilder spine = new StringBuilder();
        List<String> parts = new java.util.ArrayList<>(List.of("mimetype", "application/epub+zip",
                "META-INF/container.xml", "<?xml version=\"1.0\"?><container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
                        + "<rootfiles><rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"));
        for (int i = 0; i < chapterBodies.length; i++) {
            manifest.append("<item id=\"c").append(i).append("\" href=\"c").append(i).append(".xhtml\" media-type=\"application/xhtml+xml\"/>");
            spine.append("<itemref idref=\"c").append(i).append("\"/>");
        }
        parts.addAll(List.of("OEBPS/content.opf", "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"id\">"
                + "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" + title + "</dc:title><dc:identifier id=\"id\">urn:x</dc:identifier>"
                + "<dc:language>en</dc:language></metadata><manifest>" + manifest + "</manifest><spine>" + spine + "</spine></package>"));
        for (int i = 0; i < chapterBodies.length; i++) {
            parts.addAll(List.of("OEBPS/c" + i + ".xhtml", "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>c" + i
                    + "</title></head><body>" + chapterBodies[i] + "</body></html>"));
        }
        return zip(file, parts.toArray(String[]::new));
    }

    /**
     * Copies the ZIP {@code source} to {@code target} with {@code part} replaced by {@code prefix}, then {@code fillBytes}
     * bytes of {@code fill}, then {@code suffix}: a zip bomb when the run is long. The run is deflated once per MiB and
     * the compressed MiB repeated (a full flush resets the compressor, so every MiB compresses alike), so a 1 GiB part
     * costs milliseconds to write, not the seconds deflating it would.
     */
    static Path bomb(Path source, Path target, String part, String prefix, byte fill, long fillBytes, String suffix) throws IOException {
        int chunk = 1 << 20;
        byte[] run = new byte[chunk];
        Arrays.fill(run, fill);
        long chunks = Math.max(1, fillBytes / chunk);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] tail = suffix.getBytes(StandardCharsets.UTF_8);
        deflate(deflater, head, Deflater.FULL_FLUSH, raw);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        deflate(deflater, run, Deflater.FULL_FLUSH, one);
        byte[] compressedRun = one.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(head);
        for (long i = 0; i < chunks; i++) {
            raw.write(compressedRun);
            crc.update(run);
        }
        crc.update(tail);
        deflater.setInput(tail);
        deflater.finish();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) raw.write(buf, 0, deflater.deflate(buf));
        deflater.end();
        byte[] data = raw.toByteArray();
        try (ZipFile in = ZipFile.builder().setPath(source).get();
             ZipArchiveOutputStream out = new ZipArchiveOutputStream(Files.newOutputStream(target))) {
            for (ZipArchiveEntry e : java.util.Collections.list(in.getEntries())) {
                if (e.getName().equals(part)) {
                    ZipArchiveEntry b = new ZipArchiveEntry(part);
                    b.setMethod(ZipEntry.DEFLATED);
                    b.setCrc(crc.getValue());
                    b.setSize(head.length + chunks * chunk + tail.length);
                    b.setCompressedSize(data.length);
                    out.addRawArchiveEntry(b, new ByteArrayInputStream(data));
                } else {
                    out.addRawArchiveEntry(e, in.getRawInputStream(e));
                }
            }
        }
        return target;
    }

    private static void deflate(Deflater deflater, byte[] input, int flush, ByteArrayOutputStream out) {
        deflater.setInput(input);
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, flush);
            out.write(buf, 0, n);
        } while (n == buf.length || !deflater.needsInput());
    }

    /**
     * A PDF written byte by byte, one page per text, content streams uncompressed, objects in page order: a file cut
     * after the first pages still holds them whole, as a PDF cut short by a failed download does.
     *
     * @param startxref where the trailer says the cross-reference table is; null for the true offset
     */
    static byte[] handPdf(List<String> pages, Long startxref) {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new java.util.ArrayList<>();
        int objects = 3 + 2 * pages.size();
        StringBuilder kids = new StringBuilder();
        for (int i = 0; i < pages.size(); i++) kids.append(4 + 2 * i).append(" 0 R ");
        java.util.function.BiConsumer<Integer, String> obj = (n, body) -> {
            offsets.add(pdf.length());
            pdf.append(n).append(" 0 obj\n").append(body).append("\nendobj\n");
        };
        obj.accept(1, "<< /Type /Catalog /Pages 2 0 R >>");
        obj.accept(2, "<< /Type /Pages /Kids [" + kids.toString().strip() + "] /Count " + pages.size() + " >>");
        obj.accept(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        for (int i = 0; i < pages.size(); i++) {
            String content = "BT /F1 12 Tf 72 700 Td (" + pages.get(i) + ") Tj ET";
            obj.accept(4 + 2 * i, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents "
                    + (5 + 2 * i) + " 0 R >>");
            obj.accept(5 + 2 * i, "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects).append("\n0000000000 65535 f \n");
        for (int off : offsets) pdf.append(String.format(java.util.Locale.ROOT, "%010d 00000 n \n", off));
        pdf.append("trailer\n<< /Size ").append(objects).append(" /Root 1 0 R >>\nstartxref\n")
                .append(startxref == null ? xref : startxref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Rewrites a ZIP with {@code part} stored uncompressed, so a test can change its bytes in place. */
    static Path storedCopy(Path source, Path target, String part) throws IOException {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(source.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes;
                try (var s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                ZipEntry copy = new ZipEntry(e.getName());
                if (e.getName().equals(part)) {
                    copy.setMethod(ZipEntry.STORED);
                    copy.setSize(bytes.length);
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    copy.setCrc(crc.getValue());
                }
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        return target;
    }
}
