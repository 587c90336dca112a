package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.knowhow.ingest.Fixtures.Para.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files damaged on the way (a download cut short, a bad copy, a flipped byte): PDFBox, POI and Tika's RTF parser
 * all read what they can without a word, which would index a fraction of a document as if it were all of it.
 * Each must be refused by name, saying what is wrong.
 */
class DamagedFilesTest {

    @TempDir
    Path dir;

    private final TikaDocumentParser parser = new TikaDocumentParser();

    private static final List<String> PAGES = List.of(
            "Page one: the API keys rotate every ninety days.",
            "Page two: the old key stays valid for one more day.",
            "Page three: ask the operations team before rotating.");

    @Test
    void theWholeHandWrittenPdfIsRead() throws Exception {
        Path file = Files.write(dir.resolve("whole.pdf"), Fixtures.handPdf(PAGES, null));

        assertThat(parser.parse(file, "whole").fullText()).contains("Page one", "Page three");
    }

    @Test
    void aPdfCutAt700BytesIsDamagedNotItsFirstPage() throws Exception {
        byte[] whole = Fixtures.handPdf(PAGES, null);
        assertThat(whole.length).isGreaterThan(900);
        Path file = Files.write(dir.resolve("x.pdf"), Arrays.copyOf(whole, 700));

        assertThatThrownBy(() -> parser.parse(file, "x"))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessage(file + " is damaged (truncated at byte 700? it does not end with a PDF trailer (%%EOF)):"
                        + " re-export it or copy it again");
    }

    @Test
    void aPdfThatLostOnlyItsTrailerIsDamagedToo() throws Exception {
        byte[] whole = Fixtures.handPdf(PAGES, null);
        Path file = Files.write(dir.resolve("tail.pdf"), Arrays.copyOf(whole, whole.length - 30));

        assertThatThrownBy(() -> parser.parse(file, "tail"))
                .hasMessageStartingWith(file + " is damaged (truncated at byte " + (whole.length - 30) + "?");
    }

    @Test
    void aBrokenCrossReferenceTableIsRefusedOnlyWhenAlmostNothingIsRecovered() throws Exception {
        Path readable = Files.write(dir.resolve("readable.pdf"), Fixtures.handPdf(PAGES, 9L));
        Path empty = Files.write(dir.resolve("empty.pdf"), Fixtures.handPdf(List.of("Hi"), 9L));

        assertThat(parser.parse(readable, "readable").fullText()).as("PDFBox rebuilds the table: all text is there")
                .contains("Page one", "Page two", "Page three");
        assertThatThrownBy(() -> parser.parse(empty, "empty"))
                .hasMessage(empty + " is damaged (its cross-reference table is broken and only 2 characters of text could be"
                        + " recovered): re-export it or copy it again");
    }

    @Test
    void aDocxCutShortIsDamaged() throws Exception {
        Path whole = Fixtures.write(Fixtures.docx(null, List.of(p("Keys rotate every ninety days."))), dir.resolve("whole.docx"));
        byte[] bytes = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.docx"), Arrays.copyOf(bytes, bytes.length - 200));

        assertThatThrownBy(() -> parser.parse(file, "cut"))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessageStartingWith(file + " is damaged (truncated at byte " + (bytes.length - 200) + "? its ZIP directory is missing")
                .hasMessageEndingWith("): re-export it or copy it again");
    }

    @Test
    void aZipPartWhoseBytesChangedFailsItsChecksum() throws Exception {
        Path whole = Fixtures.write(Fixtures.docx(null, List.of(p("Keys rotate every ninety days."))), dir.resolve("whole.docx"));
        Path file = Fixtures.storedCopy(whole, dir.resolve("flipped.docx"), "word/document.xml");
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("ninety");
        bytes[at] = 'N'; // one flipped byte: the text still parses, but is not what was written
        Files.write(file, bytes);

        assertThatThrownBy(() -> parser.parse(file, "flipped"))
                .hasMessage(file + " is damaged (its part word/document.xml fails its checksum): re-export it or copy it again");
    }

    @Test
    void aZipPartWhoseCompressedBytesAreGarbledCannotBeUnpacked() throws Exception {
        Path file = Fixtures.odt(dir.resolve("garbled.odt"), null, "<text:p>" + "Keys rotate every ninety days. ".repeat(200) + "</text:p>");
        byte[] bytes = Files.readAllBytes(file);
        int content = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("content.xml") + "content.xml".length();
        for (int i = content + 40; i < content + 80; i++) bytes[i] = (byte) 0xFF;
        Files.write(file, bytes);

        assertThatThrownBy(() -> parser.parse(file, "garbled"))
                .hasMessageStartingWith(file + " is damaged (its part content.xml ");
    }

    @Test
    void anEpubCutShortIsDamaged() throws Exception {
        Path whole = Fixtures.epub(dir.resolve("whole.epub"), "Guide", "<h1>Birds</h1><p>Robins sing at dawn.</p>");
        byte[] bytes = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.epub"), Arrays.copyOf(bytes, bytes.length - 10));

        assertThatThrownBy(() -> parser.parse(file, "cut")).hasMessageStartingWith(file + " is damaged (truncated at byte");
    }

    @Test
    void anRtfCutShortIsDamaged() throws Exception {
        String whole = "{\\rtf1\\ansi {\\pard Keys rotate every ninety days.\\par}{\\pard The old key stays valid.\\par}}";
        Path file = Files.writeString(dir.resolve("cut.rtf"), whole.substring(0, 50));

        assertThatThrownBy(() -> parser.parse(file, "cut"))
                .hasMessage(file + " is damaged (truncated at byte 50? it does not end with the closing brace of an RTF document):"
                        + " re-export it or copy it again");
    }
}
