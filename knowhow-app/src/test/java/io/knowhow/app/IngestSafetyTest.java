package io.knowhow.app;

import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.IngestReport.FileResult;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest through the app on real files: symbolic links resolved and kept inside the named folders, hostile files
 * refused by name with the key to raise while the files beside them are ingested.
 */
class IngestSafetyTest {
    @TempDir
    Path tmp;

    private Knowhow open() {
        return Knowhow.builder(tmp.resolve("kb")).environment(Map.of()).build();
    }

    private static FileResult result(IngestReport report, Path path) {
        String key = path.toAbsolutePath().normalize().toString();
        return report.results().stream().filter(r -> r.source().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(key + " not in " + report.results()));
    }

    @Test
    void linksAreIngestedOnceUnderTheirRealPathAndNeverOutOfTheNamedFolders() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Path otherTeam = Files.createDirectories(tmp.resolve("other-team"));
        Path pricing = Files.writeString(shared.resolve("pricing.md"), "# Pricing\n\nThe Team plan costs $49 per editor per month.\n");
        Path salaries = Files.writeString(otherTeam.resolve("salaries.txt"), "Ada earns 120,000 a year.\n");
        Files.writeString(docs.resolve("ports.txt"), "The web interface listens on port 8443 over HTTPS.\n");
        Files.createSymbolicLink(docs.resolve("pricing.md"), pricing);                  // into the other named folder
        Path leak = Files.createSymbolicLink(docs.resolve("salaries.txt"), salaries);   // out of every named folder
        Path leakFolder = Files.createSymbolicLink(docs.resolve("x"), Path.of("../other-team"));

        try (Knowhow kb = open()) {
            IngestReport report = kb.ingest(IngestRequest.of(docs, shared).makePublic(), IngestListener.NONE);

            assertThat(report.count(Outcome.ADDED)).isEqualTo(2);
            assertThat(kb.sources(Reader.unrestricted())).extracting(SourceRecord::source)
                    .containsExactlyInAnyOrder(pricing.toRealPath().toString(), docs.resolve("ports.txt").toRealPath().toString());
            assertThat(result(report, leak).outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(result(report, leak).error()).startsWith("symbolic link to " + salaries.toRealPath() + ", outside the folders");
            assertThat(result(report, leakFolder).outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(kb.search("Team plan cost", 10, io.knowhow.core.model.SearchMode.BM25, io.knowhow.core.model.Filter.readableBy(Reader.anonymous())))
                    .as("one hit per chunk, not one per path to it").extracting(h -> h.chunk().source()).containsOnlyOnce(pricing.toRealPath().toString());

            IngestReport followed = kb.ingest(IngestRequest.of(docs).followingLinks(), IngestListener.NONE);
            assertThat(result(followed, salaries.toRealPath()).outcome()).isEqualTo(Outcome.ADDED);

            assertThat(kb.delete(List.of(docs.resolve("pricing.md").toString())).deleted())
                    .as("deleting through the link removes the real source").containsExactly(pricing.toRealPath().toString());
        }
    }

    @Test
    void hostileFilesAreRefusedByNameWithTheirKeyAndTheOthersIngested() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("a.txt"), "The web interface listens on port 8443 over HTTPS.\n");
        Files.writeString(docs.resolve("b.md"), "# Pricing\n\nThe Team plan costs $49 per editor per month.\n");
        Path sparse = docs.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(2_200_000_000L); // 2.2 GB on paper, no disk: refused by size before a byte is read
        }
        Path bomb = docs.resolve("bomb.docx");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            byte[] run = new byte[1 << 20];
            Arrays.fill(run, (byte) 'A');
            for (int i = 0; i < 8; i++) zip.write(run); // 8 MiB in ~10 KB: ratio ~800
            zip.closeEntry();
        }
        Path longText = Files.writeString(docs.resolve("long.txt"), "word ".repeat(1000));

        try (Knowhow kb = open()) {
            kb.config().set("ingest.max-chars", "2000", v -> v);
        }
        try (Knowhow kb = open()) {
            IngestReport report = kb.ingest(IngestRequest.of(docs), IngestListener.NONE);

            assertThat(report.count(Outcome.ADDED)).isEqualTo(2);
            assertThat(result(report, sparse).outcome()).isEqualTo(Outcome.FAILED);
            assertThat(result(report, sparse).error()).contains(sparse.toString(), "ingest.max-file-bytes");
            assertThat(result(report, bomb).error()).startsWith(bomb + " looks like a zip bomb").contains("ingest.max-compression-ratio");
            assertThat(result(report, longText).error()).isEqualTo(longText + " is too large: it holds more than 2,000 characters"
                    + " of text (ingest.max-chars); split it into smaller files or raise ingest.max-chars");
        }
    }
}
