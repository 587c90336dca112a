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

import java.io.IOException;
import java.io.OutputStream;
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
}
