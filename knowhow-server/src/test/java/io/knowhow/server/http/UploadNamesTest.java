package io.knowhow.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UploadNamesTest {
    @Test
    void aClientsPathIsALabelNeverAPath() {
        assertThat(UploadNames.sanitise("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadNames.sanitise("/etc/shadow.md")).isEqualTo("shadow.md");
        assertThat(UploadNames.sanitise("..\\..\\windows\\system.ini")).isEqualTo("system.ini");
        assertThat(UploadNames.sanitise("C:\\Users\\me\\notes.txt")).isEqualTo("notes.txt");
        assertThat(UploadNames.sanitise("..")).isEqualTo("upload");
        assertThat(UploadNames.sanitise(".")).isEqualTo("upload");
        assertThat(UploadNames.sanitise("")).isEqualTo("upload");
        assertThat(UploadNames.sanitise(null)).isEqualTo("upload");
        assertThat(UploadNames.sanitise("docs/")).isEqualTo("upload");
    }

    @Test
    void nulControlCharactersHiddenNamesAndOddCharactersGo() {
        assertThat(UploadNames.sanitise("evil\u0000name.md")).isEqualTo("evilname.md");
        assertThat(UploadNames.sanitise("line\nbreak\r.md")).isEqualTo("linebreak.md");
        assertThat(UploadNames.sanitise(".bashrc")).isEqualTo("bashrc");
        assertThat(UploadNames.sanitise("a;rm -rf $HOME|x.md")).isEqualTo("a_rm -rf _HOME_x.md");
        assertThat(UploadNames.sanitise("Ünïcödé-名前.pdf")).isEqualTo("Ünïcödé-名前.pdf");
        assertThat(UploadNames.sanitise("\u202Egnp.exe.md")).doesNotContain("\u202E");
    }

    @Test
    void longNamesAreCutKeepingTheExtension() {
        String cut = UploadNames.sanitise("x".repeat(5000) + ".docx");
        assertThat(cut).endsWith(".docx");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(UploadNames.MAX_BYTES);
        String wide = UploadNames.sanitise("名".repeat(200) + ".md");
        assertThat(wide.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(UploadNames.MAX_BYTES);
        assertThat(wide).endsWith(".md");
    }

    @Test
    void placeNumbersTakenNamesAndStaysInTheFolder(@TempDir Path dir) throws Exception {
        Path first = UploadNames.place(dir, "../a.md");
        Files.createFile(first);
        Path second = UploadNames.place(dir, "/x/a.md");
        assertThat(first.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(second.getFileName().toString()).isEqualTo("a-2.md");
        assertThat(second.getParent()).isEqualTo(first.getParent());
    }
}
