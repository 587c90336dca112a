package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.ingest.Fixtures.Slide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.knowhow.ingest.Fixtures.Para.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files made to exhaust the parser: zip bombs in every ZIP-based format and documents over the unpacked-size budget.
 * On main a 1 MB .docx whose document.xml unpacks to 1 GiB ran the heap out (POI builds the document in memory and
 * Tika switches POI's zip-bomb check off). Each must now be refused by name with the config key to raise, quickly,
 * while the files beside it are read.
 */
class HostileFilesTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    /** A 1 GiB run of one byte inside the part's text: what a zip bomb looks like, about 1 MB on disk. */
    private Path docxBomb() throws IOException {
        Path plain = Fixtures.write(Fixtures.docx(null, List.of(p("x"))), dir.resolve("plain.docx"));
        return Fixtures.bomb(plain, dir.resolve("bomb.docx"), "word/document.xml",
                "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                        + "<w:body><w:p><w:r><w:t>", (byte) 'A', GIB, "</w:t></w:r></w:p></w:body></w:document>");
    }

    private Path xlsxBomb() throws IOException {
        Path plain = Fixtures.xlsx(dir.resolve("plain.xlsx"), null, Map.of("Sheet1", List.of(List.of("a", "b"))));
        return Fixtures.bomb(plain, dir.resolve("bomb.xlsx"), "xl/worksheets/sheet1.xml",
                "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                        + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", (byte) 'A', GIB, "</t></is></c></row></sheetData></worksheet>");
    }

    @Test
    void zipBombsInEveryContainerFormatAreRefusedInABoundedHeapAndTheGoodFileIsRead() throws Exception {
        List<Path> files = new ArrayList<>();
        files.add(docxBomb());
        files.add(xlsxBomb());
        Path pptx = Fixtures.pptx(dir.resolve("plain.pptx"), List.of(new Slide("T", List.of("x"), null, null)));
        files.add(Fixtures.bomb(pptx, dir.resolve("bomb.pptx"), "ppt/slides/slide1.xml", "<?xml version=\"1.0\"?><p:sld xmlns:p=\"p\"><!--",
                (byte) ' ', GIB, "--></p:sld>"));
        Path odt = Fixtures.odt(dir.resolve("plain.odt"), null, "<text:p>x</text:p>");
        files.add(Fixtures.bomb(odt, dir.resolve("bomb.odt"), "content.xml", "<?xml version=\"1.0\"?><x>", (byte) 'A', GIB, "</x>"));
        Path epub = Fixtures.epub(dir.resolve("plain.epub"), "E", "<p>x</p>");
        files.add(Fixtures.bomb(epub, dir.resolve("bomb.epub"), "OEBPS/c0.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>",
                (byte) 'A', GIB, "</p></body></html>"));
        Path good = Fixtures.write(Fixtures.docx(null, List.of(p("Keys rotate every ninety days."))), dir.resolve("good.docx"));
        files.add(good);
        for (Path f : files) assertThat(Files.size(f)).as(f + " is small on disk").isLessThan(3_000_000);

        List<String> lines = parseInChildJvm(files);

        List<String> parts = List.of("word/document.xml", "xl/worksheets/sheet1.xml", "ppt/slides/slide1.xml", "content.xml", "OEBPS/c0.xhtml");
        for (int i = 0; i < parts.size(); i++) {
            assertThat(lines.get(i)).as(files.get(i).toString())
                    .startsWith("FAILED " + files.get(i) + " looks like a zip bomb: its part " + parts.get(i) + " unpacks to more than 100 times")
                    .contains("(ingest.max-compression-ratio = 100)").endsWith("If the file is genuine, raise ingest.max-compression-ratio");
        }
        assertThat(lines.get(parts.size())).isEqualTo("OK 30");
    }

    @Test
    void aDocumentUnpackingBeyondTheBudgetIsRefusedWithTheKeyToRaise() throws Exception {
        // random words compress about 3 times: no bomb, just more than this parser's 64 KiB budget
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        while (text.length() < 200_000) text.append(Long.toString(random.nextLong(), 36)).append(' ');
        Path file = Fixtures.write(Fixtures.docx(null, List.of(p(text.toString()))), dir.resolve("big.docx"));
        TikaDocumentParser small = new TikaDocumentParser(new ParseLimits(10_000_000, 100, 64 * 1024));

        assertThatThrownBy(() -> small.parse(file, "big"))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessage(file + " is too large: its parts unpack to more than 64 KiB (ingest.max-unzipped-bytes); split it into"
                        + " smaller files or raise ingest.max-unzipped-bytes");
        assertThat(new TikaDocumentParser().parse(file, "big").fullText()).hasSize(text.toString().strip().length());
    }

    @Test
    void aModestRatioUnderTheGraceSizeIsNoBomb() throws Exception {
        // 500 KB of one repeated sentence compresses ~300 times, but stays under the 1 MiB a part may unpack to freely
        Path file = Fixtures.write(Fixtures.docx(null, List.of(p("Keys rotate. ".repeat(38_000)))), dir.resolve("repetitive.docx"));

        assertThat(new TikaDocumentParser().parse(file, "repetitive").fullText()).startsWith("Keys rotate. Keys rotate.");
    }

    @Test
    void limitsAreCheckedWhenMade() {
        assertThatThrownBy(() -> new ParseLimits(1, 0, 1)).hasMessageContaining("maxCompressionRatio must be at least 1, got 0");
        assertThatThrownBy(() -> new ParseLimits(1, 1, 0)).hasMessageContaining("maxUnzippedBytes must be at least 1, got 0");
    }

    /** Runs {@link ParseInChildJvm} with a 256 MiB heap: a bomb that got through would exhaust that, not this JVM. */
    private static List<String> parseInChildJvm(List<Path> files) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classPath, ParseInChildJvm.class.getName()));
        for (Path f : files) command.add(f.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // a guard against a hang, not a timing assertion: a good run takes seconds
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM parsing " + files + " did not finish in 5 minutes");
        }
        List<String> output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
        // Log4j's status logger writes its "no logging provider" notice to standard output too
        List<String> lines = output.stream().filter(l -> l.startsWith("OK ") || l.startsWith("FAILED ") || l.startsWith("VmHWM")).toList();
        assertThat(lines).hasSize(files.size() + 1);
        return lines;
    }
}
