package io.knowhow.ingest;

import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.ingest.Fixtures.Slide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The formats users keep knowledge in besides text, HTML, PDF and Word: each generated here and read by real Tika. */
class OfficeAndMailFormatsTest {

    @TempDir
    Path dir;

    private final TikaDocumentParser parser = new TikaDocumentParser();

    private static Section section(String text, String... path) {
        return new Section(List.of(path), text);
    }

    @Test
    void everySupportedFormatIsListedWhenOneIsNot() throws Exception {
        assertThat(TikaDocumentParser.supportedExtensions()).contains("xlsx", "pptx", "odt", "rtf", "epub", "eml");
        Path numbers = Files.writeString(dir.resolve("budget.numbers"), "x");

        assertThatThrownBy(() -> parser.parse(numbers, "budget"))
                .hasMessage(numbers + " has an unsupported file type '.numbers': supported are .csv, .docx, .eml, .epub, .htm,"
                        + " .html, .markdown, .md, .odt, .pdf, .pptx, .rtf, .text, .tsv, .txt, .xlsx");
    }

    @Test
    void spreadsheetRowsAreRecordsWithTheirHeadersOneSectionPerSheet() throws Exception {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Plans", List.of(
                Arrays.asList("Plan", "Price", "Seats"),
                Arrays.asList("Team", null, 10),      // an empty cell keeps the columns aligned
                Arrays.asList("Pro", "49 USD", 25)));
        sheets.put("Contacts", List.of(List.of("Role", "Name"), List.of("Billing", "Ada Lovelace")));
        Path file = Fixtures.xlsx(dir.resolve("plans.xlsx"), null, sheets);

        Document doc = parser.parse(file, "plans");

        assertThat(doc.title()).as("a sheet name is no title").isEqualTo("plans.xlsx");
        assertThat(doc.sections()).containsExactly(
                section("Plan: Team | Seats: 10\n\nPlan: Pro | Price: 49 USD | Seats: 25", "Plans"),
                section("Role: Billing | Name: Ada Lovelace", "Contacts"));
        assertThat(doc.metadata()).containsEntry("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    @Test
    void slideTitlesAreHeadingsWithTheirTextTablesAndNotesUnderThem() throws Exception {
        Path file = Fixtures.pptx(dir.resolve("deck.pptx"), List.of(
                new Slide("Quarterly goals", List.of("Ship the parser", "Refuse zip bombs"), null, "Say why bombs matter."),
                new Slide(null, List.of("A slide without a title"), null, null),
                new Slide("Prices", List.of(), List.of(List.of("Plan", "Price"), List.of("Pro", "49 USD")), null)));

        Document doc = parser.parse(file, "deck");

        assertThat(doc.title()).as("the first slide's title").isEqualTo("Quarterly goals");
        assertThat(doc.sections()).containsExactly(
                section("Ship the parser\n\nRefuse zip bombs\n\nSay why bombs matter.", "Quarterly goals"),
                section("A slide without a title", "Slide 2"),
                section("Plan: Pro | Price: 49 USD", "Prices"));
    }

    @Test
    void openDocumentOutlineLevelsAreHeadings() throws Exception {
        Path file = Fixtures.odt(dir.resolve("install.odt"), "Install guide",
                "<text:h text:outline-level=\"1\">Install</text:h><text:p>Run make.</text:p>"
                        + "<text:h text:outline-level=\"2\">Linux</text:h><text:p>Use apt to get the compiler.</text:p>");

        Document doc = parser.parse(file, "install");

        assertThat(doc.title()).isEqualTo("Install guide");
        assertThat(doc.sections()).containsExactly(
                section("Run make.", "Install"), section("Use apt to get the compiler.", "Install", "Linux"));
    }

    @Test
    void rtfTextAndTitleAreRead() throws Exception {
        Path file = Files.writeString(dir.resolve("memo.rtf"), "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}{\\info{\\title Memo}}\n"
                + "{\\pard Caf\\'e9 opens at nine.\\par}\n{\\pard Keys rotate every 90 days.\\par}\n}\n", StandardCharsets.US_ASCII);

        Document doc = parser.parse(file, "memo");

        assertThat(doc.title()).isEqualTo("Memo");
        assertThat(doc.fullText()).isEqualTo("Café opens at nine.\n\nKeys rotate every 90 days.");
    }

    @Test
    void epubChaptersKeepTheirHeadingsInSpineOrder() throws Exception {
        Path file = Fixtures.epub(dir.resolve("guide.epub"), "Field Guide",
                "<h1>Birds</h1><p>Robins sing\n   at dawn.</p>", "<h1>Trees</h1><p>Oaks grow slowly.</p>");

        Document doc = parser.parse(file, "guide");

        assertThat(doc.title()).isEqualTo("Field Guide");
        assertThat(doc.sections()).containsExactly(section("Robins sing at dawn.", "Birds"), section("Oaks grow slowly.", "Trees"));
    }

    @Test
    void emailHeadersHeadTheBodyAndAttachmentsAreListedNotParsed() throws Exception {
        Path file = Files.writeString(dir.resolve("rotation.eml"), String.join("\r\n",
                "From: Ada <ada@example.com>",
                "To: Bob <bob@example.com>, Cy <cy@example.com>",
                "Subject: =?UTF-8?Q?Schl=C3=BCssel?= rotation",
                "Date: Mon, 2 Jun 2025 10:00:00 +0000",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=XX",
                "",
                "--XX",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "Rotate the keys every 90 days. The old key stays valid for one day after the new one",
                "is issued, so clients can switch without downtime.",
                "",
                "Ask ops for help.",
                "--XX",
                "Content-Type: text/plain; name=secret.txt",
                "Content-Disposition: attachment; filename=secret.txt",
                "",
                "ATTACHED TEXT MUST NOT BE INDEXED",
                "--XX",
                "Content-Type: application/pdf; name=report.pdf",
                "Content-Disposition: attachment; filename=report.pdf",
                "Content-Transfer-Encoding: base64",
                "",
                "JVBERi0xLjQK",
                "--XX--", ""), StandardCharsets.US_ASCII);

        Document doc = parser.parse(file, "rotation");

        assertThat(doc.title()).isEqualTo("Schlüssel rotation");
        assertThat(doc.sections()).containsExactly(section(
                "From: Ada <ada@example.com> | To: Bob <bob@example.com>, Cy <cy@example.com> | Date: 2025-06-02T10:00:00Z\n\n"
                        + "Rotate the keys every 90 days. The old key stays valid for one day after the new one is issued, so"
                        + " clients can switch without downtime.\n\nAsk ops for help.\n\n"
                        + "Attachments (not indexed): secret.txt, report.pdf", "Schlüssel rotation"));
        assertThat(doc.metadata()).containsEntry("from", "Ada <ada@example.com>").containsEntry("content-type", "message/rfc822");
    }

    @Test
    void anHtmlOnlyEmailIsReadAsHtml() throws Exception {
        Path file = Files.writeString(dir.resolve("news.eml"), String.join("\r\n",
                "From: ops@example.com", "Subject: Outage", "MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8", "",
                "<html><head><style>p{color:red}</style></head><body><p>The VPN is down</p><p>until noon.</p></body></html>", ""));

        assertThat(parser.parse(file, "news").fullText()).isEqualTo("From: ops@example.com\n\nThe VPN is down\n\nuntil noon.");
    }

    @Test
    void anEncryptedWorkbookIsReportedAsPasswordProtected() throws Exception {
        Path plain = Fixtures.xlsx(dir.resolve("plain.xlsx"), null, Map.of("S", List.of(List.of("a", "b"))));
        Path file = dir.resolve("locked.xlsx");
        try (org.apache.poi.poifs.filesystem.POIFSFileSystem fs = new org.apache.poi.poifs.filesystem.POIFSFileSystem()) {
            var encryptor = new org.apache.poi.poifs.crypt.EncryptionInfo(org.apache.poi.poifs.crypt.EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword("pw");
            try (var out = encryptor.getDataStream(fs)) {
                Files.copy(plain, out);
            }
            try (var out = Files.newOutputStream(file)) {
                fs.writeFilesystem(out);
            }
        }

        assertThatThrownBy(() -> parser.parse(file, "locked"))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessage(file + " is password-protected: save an unprotected copy and ingest that");
    }
}
