package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;
import io.knowhow.ingest.SourceFiles.Skipped;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceFilesTest {

    @TempDir
    Path root;

    private final SourceFiles sourceFiles = new SourceFiles(new TikaDocumentParser()::supports);

    private Path file(String relative) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, "text of " + relative);
    }

    @BeforeEach
    void tree() throws IOException {
        file("z.docx");
        file("b.md");
        file("a.txt");
        file(".hidden.txt");
        file(".git/config.txt");
        file("sub/c.pdf");
        file("sub/image.png");
        file("sub/deeper/d.html");
        file("B.txt"); // upper case sorts before lower case, on every platform
    }

    @Test
    void foldersAreWalkedSortedSkippingHiddenAndUnsupported() throws Exception {
        SourceFiles.Selection selection = sourceFiles.expand(List.of(root));

        assertThat(selection.files()).containsExactly(
                root.resolve("B.txt"), root.resolve("a.txt"), root.resolve("b.md"),
                root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"), root.resolve("z.docx"));
        assertThat(selection.skipped()).containsExactly(
                new Skipped(root.resolve(".git"), "hidden"),
                new Skipped(root.resolve(".hidden.txt"), "hidden"),
                new Skipped(root.resolve("sub/image.png"), "unsupported file type"));
    }

    @Test
    void filesNamedDirectlyAreTakenAsGivenAndListedOnce() throws Exception {
        Path hidden = root.resolve(".hidden.txt");
        Path image = root.resolve("sub/image.png");

        SourceFiles.Selection selection = sourceFiles.expand(List.of(
                image, hidden, root.resolve("sub"), root.resolve("sub/c.pdf"), root.resolve("sub/../sub/c.pdf")));

        assertThat(selection.files()).containsExactly(
                image, hidden, root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"));
        assertThat(selection.skipped()).isEmpty();
    }

    @Test
    void symbolicLinkLoopsAreReportedNotFollowedForever() throws Exception {
        Path loop = Files.createSymbolicLink(root.resolve("sub/deeper/back"), root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/dangling.md"), root.resolve("missing.md"));

        SourceFiles.Selection selection = sourceFiles.expand(List.of(root.resolve("sub")));

        assertThat(selection.files()).containsExactly(root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"));
        assertThat(selection.skipped()).containsExactly(
                new Skipped(root.resolve("sub/dangling.md"), "symbolic link to a missing file"),
                new Skipped(loop, "symbolic link loop: leads back to " + root.resolve("sub").toRealPath()),
                new Skipped(root.resolve("sub/image.png"), "unsupported file type"));
    }

    @Test
    void aLinkedFolderOutsideTheLoopIsWalkedOnce() throws Exception {
        Path other = Files.createTempDirectory(root, "other");
        Files.writeString(other.resolve("e.txt"), "e");
        Path link = Files.createSymbolicLink(root.resolve("sub/linked"), other);

        SourceFiles.Selection selection = sourceFiles.expand(List.of(root.resolve("sub"), other));

        assertThat(selection.files()).containsExactly(root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"),
                link.resolve("e.txt"));
    }

    @Test
    void aMissingPathIsAnErrorNamingIt() {
        Path missing = root.resolve("nope");

        assertThatThrownBy(() -> sourceFiles.expand(List.of(root.resolve("a.txt"), missing)))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessage(missing + " does not exist");
    }

    @Test
    void anEmptyFolderGivesNothing() throws Exception {
        Path empty = Files.createDirectory(root.resolve("empty"));

        SourceFiles.Selection selection = sourceFiles.expand(List.of(empty));

        assertThat(selection.files()).isEmpty();
        assertThat(selection.skipped()).isEmpty();
    }
}
