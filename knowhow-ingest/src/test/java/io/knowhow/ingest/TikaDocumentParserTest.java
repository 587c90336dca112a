package io.knowhow.ingest;

import io.knowhow.core.model.Document;
import io.knowhow.core.model.Section;
import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.ingest.Fixtures.Para;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.knowhow.ingest.Fixtures.Para.h;
import static io.knowhow.ingest.Fixtures.Para.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class TikaDocumentParserTest {

    @TempDir
    Path dir;

    private final TikaDocumentParser parser = new TikaDocumentParser();

    private static Section section(String text, String... path) {
        return new Section(List.of(path), text);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void supportsTheClaimedExtensionsInAnyCase() {
        assertThat(TikaDocumentParser.supportedExtensions())
                .containsExactly("csv", "docx", "eml", "epub", "htm", "html", "markdown", "md", "odt", "pdf", "pptx", "rtf",
                        "text", "tsv", "txt", "xlsx");
        assertThat(parser.supports(Path.of("a/Notes.TXT"))).isTrue();
        assertThat(parser.supports(Path.of("report.pdf"))).isTrue();
        assertThat(parser.supports(Path.of("slides.pptx"))).isTrue();
        assertThat(parser.supports(Path.of("old.ppt"))).isFalse();
        assertThat(parser.supports(Path.of("README"))).isFalse();
        assertThat(parser.supports(Path.of(".md"))).isFalse(); // a hidden file, not an extension
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new TikaDocumentParser(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxChars must be at least 1");
    }

    @Nested
    class Html {
        @Test
        void nestedHeadingsBecomePathsAndScriptsAreDropped() throws Exception {
            Path file = write("handbook.html", """
                    <!DOCTYPE html>
                    <html><head><title>Team  Handbook</title>
                    <script>var secret = "do not index";</script>
                    <style>body { color: red }</style></head>
                    <body>
                    <p>Welcome   to the
                       handbook.</p>
                    <h1>Onboarding</h1>
                    <p>Read this first.</p>
                    <h2>Accounts</h2>
                    <p>Ask IT for a <a href="https://it.example">laptop</a> &amp; a&nbsp;badge.</p>
                    <script>alert("never shown")</script>
                    <ul><li>Email</li><li>Chat
                      <ol><li>Rooms</li><li>Threads</li></ol></li></ul>
                    <h3>Passwords</h3>
                    <div>Use a manager.</div><div>Rotate yearly.</div>
                    <h2>Payroll</h2>
                    <table><tr><th>Day</th><th>What</th></tr><tr><td>25th</td><td>Salary</td></tr></table>
                    <h1>Leaving<br>the team</h1>
                    <p>Return the badge.<br>Say goodbye.</p>
                    </body></html>
                    """);

            Document doc = parser.parse(file, "handbook");

            assertThat(doc.source()).isEqualTo("handbook");
            assertThat(doc.title()).isEqualTo("Team Handbook");
            assertThat(doc.sections()).containsExactly(
                    section("Welcome to the handbook."),
                    section("Read this first.", "Onboarding"),
                    section("Ask IT for a laptop & a badge.\n\n- Email\n- Chat\n  1. Rooms\n  2. Threads",
                            "Onboarding", "Accounts"),
                    section("Use a manager.\n\nRotate yearly.", "Onboarding", "Accounts", "Passwords"),
                    section("Day: 25th | What: Salary", "Onboarding", "Payroll"),
                    section("Return the badge.\nSay goodbye.", "Leaving the team"));
            assertThat(doc.fullText()).doesNotContain("secret", "alert", "color", "Handbook");
            assertThat(doc.metadata()).containsEntry("content-type", "text/html");
        }

        @Test
        void titleFallsBackToFirstH1ThenFileName() throws Exception {
            Path withH1 = write("a.htm", "<html><body><h2>Minor</h2><p>x</p><h1>Major</h1><p>y</p></body></html>");
            Path without = write("b.html", "<html><body><p>Only text.</p></body></html>");

            assertThat(parser.parse(withH1, "a").title()).isEqualTo("Major");
            assertThat(parser.parse(without, "b").title()).isEqualTo("b.html");
        }
    }

    @Nested
    class Docx {
        @Test
        void headingStylesBecomePaths() throws Exception {
            Path file = Fixtures.write(Fixtures.docx("Employee Guide", List.of(
                    p("Preface text."),
                    h(1, "Benefits"),
                    p("Health insurance starts on day one."),
                    h(2, "Dental"),
                    p("Two checkups a year."),
                    h(3, "Orthodontics"),
                    p("Covered for children."),
                    h(2, "Vision"),
                    p("Glasses every two years."),
                    p("Contacts on request."),
                    h(1, "Time Off"),
                    p("Twenty-five days."))), dir.resolve("guide.docx"));

            Document doc = parser.parse(file, "guide");

            assertThat(doc.title()).isEqualTo("Employee Guide");
            assertThat(doc.sections()).containsExactly(
                    section("Preface text."),
                    section("Health insurance starts on day one.", "Benefits"),
                    section("Two checkups a year.", "Benefits", "Dental"),
                    section("Covered for children.", "Benefits", "Dental", "Orthodontics"),
                    section("Glasses every two years.\n\nContacts on request.", "Benefits", "Vision"),
                    section("Twenty-five days.", "Time Off"));
            assertThat(doc.metadata()).containsEntry("content-type",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }

        @Test
        void tableRowsCarryTheirColumnHeadersAndTitleFallsBackToFirstH1() throws Exception {
            var docx = Fixtures.docx(null, List.of(h(1, "Prices"), p("As of May.")));
            Fixtures.table(docx, "Item", "Price", "Tea", "3 EUR");
            Path file = Fixtures.write(docx, dir.resolve("prices.docx"));

            Document doc = parser.parse(file, "prices");

            assertThat(doc.title()).isEqualTo("Prices");
            assertThat(doc.sections()).containsExactly(section("As of May.\n\nItem: Tea | Price: 3 EUR", "Prices"));
        }

        @Test
        void encryptedDocxIsReportedAsPasswordProtected() throws Exception {
            Path file = Fixtures.writeEncrypted(Fixtures.docx(null, List.of(p("Secret plans."))),
                    dir.resolve("locked.docx"), "pw");

            assertThatThrownBy(() -> parser.parse(file, "locked"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessageStartingWith(file.toString())
                    .hasMessageContaining("is password-protected");
        }

        @Test
        void randomBytesAreNotAValidDocx() throws Exception {
            byte[] noise = new byte[4096];
            new Random(42).nextBytes(noise);
            Path file = write("noise.docx", noise);

            assertThatThrownBy(() -> parser.parse(file, "noise"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessageStartingWith(file + " is not a valid Word document (.docx): it is not a ZIP package");
        }
    }

    @Nested
    class Pdf {
        @Test
        void wrappedLinesAndHyphenatedWordsAreJoinedAndParagraphsKept() throws Exception {
            Path file = Fixtures.save(Fixtures.pdf("Search Notes", List.of(
                    List.of("Knowledge bases collect the written experience of a team so that",
                            "new members can find answers without asking the same questions",
                            "again. Good search needs clean text: every hyphenated infor-",
                            "mation must be joined before it is indexed."),
                    List.of("The second paragraph stays apart from the first one."))), dir.resolve("notes.pdf"));

            Document doc = parser.parse(file, "notes");

            assertThat(doc.title()).isEqualTo("Search Notes");
            assertThat(doc.sections()).containsExactly(section(
                    "Knowledge bases collect the written experience of a team so that new members can find"
                            + " answers without asking the same questions again. Good search needs clean text:"
                            + " every hyphenated information must be joined before it is indexed.\n\n"
                            + "The second paragraph stays apart from the first one."));
            assertThat(doc.metadata()).containsEntry("content-type", "application/pdf").containsEntry("pages", "1");
        }

        @Test
        void linkTargetsAreDroppedButStickyNotesKept() throws Exception {
            Path file = Fixtures.save(Fixtures.withLinkAndNote(
                    Fixtures.pdf(null, List.of(List.of("Visit our site for more."))),
                    "https://example.com/target", "Reviewer note: check the figures."), dir.resolve("links.pdf"));

            assertThat(parser.parse(file, "links").fullText())
                    .isEqualTo("Visit our site for more.\n\nReviewer note: check the figures.");
        }

        @Test
        void withoutMetadataTitleTheFileNameIsTheTitle() throws Exception {
            Path file = Fixtures.save(Fixtures.pdf(null, List.of(List.of("Just one line."))), dir.resolve("plain.pdf"));

            assertThat(parser.parse(file, "plain").title()).isEqualTo("plain.pdf");
        }

        @Test
        void truncatedPdfIsDamaged() throws Exception {
            Path whole = Fixtures.save(Fixtures.pdf(null, List.of(List.of("Some text."))), dir.resolve("whole.pdf"));
            byte[] bytes = Files.readAllBytes(whole);
            Path file = write("truncated.pdf", Arrays.copyOf(bytes, 40));

            assertThatThrownBy(() -> parser.parse(file, "truncated"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " is damaged (truncated at byte 40? it does not end with a PDF trailer (%%EOF)):"
                            + " re-export it or copy it again");
        }

        @Test
        void encryptedPdfIsReportedAsPasswordProtected() throws Exception {
            Path file = Fixtures.saveEncrypted(Fixtures.pdf(null, List.of(List.of("Secret."))),
                    dir.resolve("locked.pdf"), "user-secret");

            assertThatThrownBy(() -> parser.parse(file, "locked"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " is password-protected: save an unprotected copy and ingest that");
        }

        @Test
        void pdfWithoutTextAsfromAScannerIsExplained() throws Exception {
            Path file = Fixtures.save(Fixtures.blankPdf(), dir.resolve("scan.pdf"));

            assertThatThrownBy(() -> parser.parse(file, "scan"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " contains no extractable text"
                            + " (scanned images are not supported: OCR is not included)");
        }
    }

    @Nested
    class Markdown {
        @Test
        void headingsInlineMarkupListsCodeAndTables() throws Exception {
            Path file = write("guide.md", """
                    Intro with *emphasis*, **strong**, `inline code`
                    and a soft line break.

                    # Guide

                    See [the docs](https://example.com/docs) for details.![logo](logo.png)

                    ## Install

                    1. Download the _archive_
                    2. Run `make install`
                       - needs root
                       - or sudo

                    ```sh
                    ./configure --prefix=/opt
                    make
                    ```

                    Setext Title
                    ------------

                    Text under setext.\\
                    Hard break.

                    > Quoted **words**.

                    | Key | Value |
                    |-----|-------|
                    | a   | 1     |

                    [docs]: https://example.com
                    """);

            Document doc = parser.parse(file, "guide");

            assertThat(doc.title()).isEqualTo("Guide");
            assertThat(doc.sections()).containsExactly(
                    section("Intro with emphasis, strong, inline code and a soft line break."),
                    section("See the docs for details.logo", "Guide"),
                    section("1. Download the archive\n2. Run make install\n   - needs root\n   - or sudo\n\n"
                            + "./configure --prefix=/opt\nmake", "Guide", "Install"),
                    section("Text under setext.\nHard break.\n\nQuoted words.\n\nKey: a | Value: 1",
                            "Guide", "Setext Title"));
            assertThat(doc.metadata()).containsEntry("content-type", "text/markdown").containsEntry("charset", "UTF-8");
        }

        @Test
        void frontMatterGivesTheTitleAndIsNotText() throws Exception {
            Path file = write("notes.markdown", """
                    ---
                    title: "Release Notes"
                    date: 2024-01-01
                    ---
                    # Version 2

                    Faster <em>startup</em>.

                    <div align="center">Made with care</div>
                    """);

            Document doc = parser.parse(file, "notes");

            assertThat(doc.title()).isEqualTo("Release Notes");
            assertThat(doc.sections()).containsExactly(section("Faster startup.\n\nMade with care", "Version 2"));
        }

        @Test
        void hostileNestingIsFlattenedInsteadOfOverflowingTheStack() throws Exception {
            Path quotes = write("quotes.md", ">".repeat(50_000) + " deep\n");
            StringBuilder deepList = new StringBuilder();
            for (int i = 0; i < 100; i++) deepList.append("  ".repeat(i)).append("- item").append(i).append('\n');
            Path list = write("list.md", deepList.toString());
            List<Document> docs = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            // a small stack, so the test fails if rendering recurses once per nesting level
            Thread thread = new Thread(null, () -> {
                try {
                    docs.add(parser.parse(quotes, "quotes"));
                    docs.add(parser.parse(list, "list"));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "small-stack", 256 * 1024);
            thread.start();
            thread.join();

            assertThat(failures).isEmpty();
            assertThat(docs.get(0).fullText()).isEqualTo("deep");
            // levels 0..MAX_NESTING keep their markers and indentation; deeper items are flat lines
            List<String> expected = new ArrayList<>();
            for (int i = 0; i <= MarkdownSections.MAX_NESTING; i++) expected.add("  ".repeat(i) + "- item" + i);
            for (int i = MarkdownSections.MAX_NESTING + 1; i < 100; i++) {
                expected.add("  ".repeat(MarkdownSections.MAX_NESTING + 1) + "item" + i);
            }
            assertThat(docs.get(1).fullText().lines()).containsExactlyElementsOf(expected);
        }

        @Test
        void onlyHeadingsIsReported() throws Exception {
            Path file = write("todo.md", "# TODO\n\n## Later\n");

            assertThatThrownBy(() -> parser.parse(file, "todo"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " contains only headings, no text under them");
        }
    }

    @Nested
    class PlainText {
        @Test
        void hardWrappedParagraphsAreUnwrappedButHeadingsAndListsKept() throws Exception {
            Path file = write("release.txt", """
                    Release process

                    The release manager tags the commit, builds the artefacts and uploads
                    them to the staging repository where the community votes on them for
                    at least three days.
                    - step one
                    - step two



                    Done.\r
                    """);

            Document doc = parser.parse(file, "release");

            assertThat(doc.title()).isEqualTo("release.txt");
            assertThat(doc.sections()).containsExactly(section("Release process\n\n"
                    + "The release manager tags the commit, builds the artefacts and uploads them to the"
                    + " staging repository where the community votes on them for at least three days.\n"
                    + "- step one\n- step two\n\nDone."));
            assertThat(doc.metadata()).containsEntry("content-type", "text/plain").containsEntry("charset", "UTF-8");
        }

        @Test
        void latin1TextIsDetectedAndDecoded() throws Exception {
            Path file = write("menu.txt", "Le café est prêt.\nUne idée naïve, déjà vue à Zürich.\n"
                    .getBytes(Charset.forName("windows-1252")));

            Document doc = parser.parse(file, "menu");

            assertThat(doc.fullText()).isEqualTo("Le café est prêt.\nUne idée naïve, déjà vue à Zürich.");
            assertThat(doc.metadata()).containsEntry("charset", "windows-1252");
        }

        @Test
        void utf8ByteOrderMarkIsStripped() throws Exception {
            Path file = write("bom.txt", ("\uFEFFHello BOM").getBytes(StandardCharsets.UTF_8));

            Document doc = parser.parse(file, "bom");

            assertThat(doc.fullText()).isEqualTo("Hello BOM");
            assertThat(doc.metadata()).containsEntry("charset", "UTF-8");
        }

        @Test
        void utf16WithByteOrderMarkIsNotMistakenForBinary() throws Exception {
            Path file = write("wide.md", "\uFEFF# Größe\n\nÜber alles.".getBytes(StandardCharsets.UTF_16LE));

            Document doc = parser.parse(file, "wide");

            assertThat(doc.sections()).containsExactly(section("Über alles.", "Größe"));
            assertThat(doc.metadata()).containsEntry("charset", "UTF-16LE");
        }

        @Test
        void decomposedAccentsAreNormalizedAndControlCharactersDropped() throws Exception {
            Path file = write("nfc.txt", "Cafe\u0301\u0007 and\u00A0\u00A0tea\tcold");

            assertThat(parser.parse(file, "nfc").fullText()).isEqualTo("Café and tea\tcold");
        }
    }

    @Nested
    class Errors {
        @Test
        void emptyFile() throws Exception {
            Path file = write("empty.txt", "");

            assertThatThrownBy(() -> parser.parse(file, "empty"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " is empty");
        }

        @Test
        void whitespaceOnlyFileHasNoText() throws Exception {
            Path file = write("blank.md", " \n\n\t\n");

            assertThatThrownBy(() -> parser.parse(file, "blank"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " contains no extractable text");
        }

        @Test
        void binaryContentUnderATextExtension() throws Exception {
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
            Path txt = write("image.txt", png);
            Path html = write("image.html", png);

            for (Path file : List.of(txt, html)) {
                assertThatThrownBy(() -> parser.parse(file, "image"))
                        .isInstanceOf(UnreadableDocumentException.class)
                        .hasMessageStartingWith(file + " looks binary, not text");
            }
        }

        @Test
        void manyControlCharactersWithoutNulAlsoLookBinary() throws Exception {
            byte[] bytes = new byte[200];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i % 3 == 0 ? 0x01 : 'a');

            Path file = write("weird.md", bytes);

            assertThatThrownBy(() -> parser.parse(file, "weird"))
                    .hasMessageStartingWith(file + " looks binary, not text");
        }

        @Test
        void missingFile() {
            Path file = dir.resolve("gone.pdf");

            assertThatThrownBy(() -> parser.parse(file, "gone"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " does not exist");
        }

        @Test
        void brokenSymbolicLink() throws Exception {
            Path link = Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("nowhere.txt"));

            assertThatThrownBy(() -> parser.parse(link, "link"))
                    .hasMessage(link + " does not exist (it is a symbolic link to a missing file)");
        }

        @Test
        void folderInsteadOfFile() {
            assertThatThrownBy(() -> parser.parse(dir, "dir"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(dir + " is a folder, not a file");
        }

        @Test
        void unsupportedExtension() throws Exception {
            Path file = write("deck.key", "whatever");
            Path bare = write("README", "whatever");

            assertThatThrownBy(() -> parser.parse(file, "deck"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " has an unsupported file type '.key': supported are"
                            + " .csv, .docx, .eml, .epub, .htm, .html, .markdown, .md, .odt, .pdf, .pptx, .rtf, .text, .tsv, .txt, .xlsx");
            assertThatThrownBy(() -> parser.parse(bare, "readme"))
                    .hasMessageStartingWith(bare + " has an unsupported file type (no extension)");
        }

        @Test
        void unreadableFile() throws Exception {
            Path file = write("secret.txt", "top secret");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
            if (Files.isReadable(file)) {
                // Root reads mode 000 files. A write-only kernel attribute refuses every reader, root included: link to one.
                java.util.Optional<Path> writeOnly = java.util.stream.Stream.of("/sys/bus/pci/rescan", "/sys/class/zram-control/hot_remove",
                        "/sys/kernel/mm/ksm/run_unused").map(Path::of).filter(Files::exists).findFirst();
                assumeThat(writeOnly).as("as root, a write-only /sys attribute is needed to test an unreadable file").isPresent();
                Files.delete(file);
                Files.createSymbolicLink(file, writeOnly.get());
            }

            assertThatThrownBy(() -> parser.parse(file, "secret"))
                    .isInstanceOf(UnreadableDocumentException.class)
                    .hasMessage(file + " cannot be read: permission denied; check the file's permissions");
        }

        @Test
        void textBeyondTheLimitIsRefusedForEveryFormat() throws Exception {
            TikaDocumentParser small = new TikaDocumentParser(100);
            String long200 = "word ".repeat(40);
            List<Path> files = List.of(
                    write("long.txt", long200),
                    write("long.md", "# H\n\n" + long200),
                    write("long.html", "<p>" + long200 + "</p>"),
                    Fixtures.save(Fixtures.pdf(null, List.of(List.of(long200.substring(0, 90), long200.substring(0, 90)))),
                            dir.resolve("long.pdf")),
                    Fixtures.write(Fixtures.docx(null, List.of(p(long200))), dir.resolve("long.docx")),
                    Fixtures.xlsx(dir.resolve("long.xlsx"), null, java.util.Map.of("S", List.of(List.of(long200)))),
                    Fixtures.pptx(dir.resolve("long.pptx"), List.of(new Fixtures.Slide("T", List.of(long200), null, null))),
                    Fixtures.odt(dir.resolve("long.odt"), null, "<text:p>" + long200 + "</text:p>"),
                    Fixtures.epub(dir.resolve("long.epub"), "E", "<p>" + long200 + "</p>"),
                    write("long.rtf", "{\\rtf1\\ansi " + long200 + "\\par}"),
                    write("long.eml", "Subject: s\r\n\r\n" + long200 + "\r\n"));

            for (Path file : files) {
                assertThatThrownBy(() -> small.parse(file, "long"))
                        .isInstanceOf(UnreadableDocumentException.class)
                        .hasMessage(file + " is too large: it holds more than 100 characters of text (ingest.max-chars);"
                                + " split it into smaller files or raise ingest.max-chars");
            }
            assertThat(small.parse(write("short.txt", "word ".repeat(19)), "short").fullText()).hasSize(94);
        }

        @Test
        void invalidUtf16AfterAByteOrderMarkIsReported() throws Exception {
            // a lone low surrogate (DC00) cannot start a UTF-16 sequence
            Path file = write("broken.txt", new byte[]{(byte) 0xFF, (byte) 0xFE, 'a', 0, 0, (byte) 0xDC});

            assertThatThrownBy(() -> parser.parse(file, "broken"))
                    .hasMessageStartingWith(file + " is not valid UTF-16LE although it starts with a UTF-16LE byte-order mark");
        }
    }

    @Test
    void oneParserServesManyThreadsAlike() throws Exception {
        List<Path> files = List.of(
                write("a.md", "# A\n\nalpha text"),
                write("b.html", "<h1>B</h1><p>beta text</p>"),
                Fixtures.write(Fixtures.docx(null, List.of(h(1, "C"), p("gamma text"))), dir.resolve("c.docx")),
                Fixtures.save(Fixtures.pdf(null, List.of(List.of("delta text"))), dir.resolve("d.pdf")),
                write("e.txt", "epsilon text"));
        List<Document> expected = new ArrayList<>();
        for (Path f : files) expected.add(parser.parse(f, f.getFileName().toString()));

        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Document>> futures = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (Path f : files) futures.add(pool.submit(() -> parser.parse(f, f.getFileName().toString())));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(expected.get(i % files.size()));
            }
        }
        assertThat(expected).extracting(Document::fullText)
                .containsExactly("alpha text", "beta text", "gamma text", "delta text", "epsilon text");
    }
}
