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

        assertThat(selection.files()).as("under its real path, once").containsExactly(root.resolve("sub/c.pdf"),
                root.resolve("sub/deeper/d.html"), other.resolve("e.txt"));
        assertThat(link).isSymbolicLink();
    }

    @Test
    void aFileReachedThroughALinkIsSelectedOnceUnderItsRealPath() throws Exception {
        Path real = root.resolve("sub/c.pdf");
        Files.createSymbolicLink(root.resolve("sub/alias.pdf"), real);
        Files.createSymbolicLink(root.resolve("sub/deeper/up.pdf"), Path.of("../c.pdf")); // relative links too

        SourceFiles.Selection selection = sourceFiles.expand(List.of(root.resolve("sub")));

        assertThat(selection.files()).containsExactly(real, root.resolve("sub/deeper/d.html"));
        assertThat(selection.skipped()).extracting(Skipped::reason).containsExactly("unsupported file type");
    }

    @Test
    void namingAFolderAndALinkToItGivesEveryFileOnce() throws Exception {
        Path alias = Files.createSymbolicLink(root.resolve("alias"), root.resolve("sub"));

        SourceFiles.Selection selection = sourceFiles.expand(List.of(root.resolve("sub"), alias, alias.resolve("c.pdf")));

        assertThat(selection.files()).containsExactly(root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"));
    }

    @Test
    void linksLeadingOutOfTheNamedRootsAreReportedNotFollowed(@TempDir Path elsewhere) throws Exception {
        Path passwd = Files.writeString(elsewhere.resolve("passwd.txt"), "root:x:0:0");
        Path otherTeam = Files.createDirectories(elsewhere.resolve("other-team"));
        Files.writeString(otherTeam.resolve("salaries.md"), "# Salaries");
        Path docs = root.resolve("sub");
        Path fileLink = Files.createSymbolicLink(docs.resolve("passwd.txt"), passwd);
        Path folderLink = Files.createSymbolicLink(docs.resolve("x"), Path.of("../../" + elsewhere.getFileName() + "/other-team"));
        Path inside = Files.createSymbolicLink(docs.resolve("y.md"), root.resolve("b.md"));

        SourceFiles.Selection selection = sourceFiles.expand(List.of(docs));

        assertThat(selection.files()).containsExactly(docs.resolve("c.pdf"), docs.resolve("deeper/d.html"));
        assertThat(selection.skipped()).contains(
                new Skipped(fileLink, "symbolic link to " + passwd.toRealPath() + ", outside the folders and files named:"
                        + " not followed (--follow-links follows it)"),
                new Skipped(folderLink, "symbolic link to " + otherTeam.toRealPath() + ", outside the folders and files named:"
                        + " not followed (--follow-links follows it)"),
                new Skipped(inside, "symbolic link to " + root.resolve("b.md").toRealPath() + ", outside the folders and files named:"
                        + " not followed (--follow-links follows it)"));

        SourceFiles.Selection followed = new SourceFiles(new TikaDocumentParser()::supports, true).expand(List.of(docs));
        assertThat(followed.files()).containsExactly(docs.resolve("c.pdf"), docs.resolve("deeper/d.html"),
                passwd.toRealPath(), otherTeam.resolve("salaries.md").toRealPath(), root.resolve("b.md").toRealPath());

        assertThat(sourceFiles.expand(List.of(docs, root.resolve("b.md"))).files()).as("inside the roots once b.md is named")
                .containsExactly(docs.resolve("c.pdf"), docs.resolve("deeper/d.html"), root.resolve("b.md"));
    }

    @Test
    void aLinkToItselfIsALoop() throws Exception {
        Path self = Files.createSymbolicLink(root.resolve("sub/self.md"), root.resolve("sub/self.md"));

        assertThat(sourceFiles.expand(List.of(root.resolve("sub"))).skipped())
                .contains(new Skipped(self, "symbolic link loop: it never leads to a file"));
        assertThatThrownBy(() -> sourceFiles.expand(List.of(self)))
                .hasMessage(self + " is a symbolic link loop: it never leads to a file");
    }

    @Test
    void namedPipesAreSkippedWithoutBeingOpened() throws Exception {
        Path fifo = root.resolve("sub/pipe.txt");
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        } catch (IOException e) {
            rc = -1;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0, "mkfifo is not available here: the named-pipe case is not tested");
        Path link = Files.createSymbolicLink(root.resolve("sub/pipe-link.txt"), fifo);
        String why = "named pipe (FIFO): not opened, since reading one waits for a writer forever";

        // opening the pipe would block this test forever: finishing at all is part of what it checks
        SourceFiles.Selection selection = sourceFiles.expand(List.of(root.resolve("sub"), fifo));

        assertThat(selection.files()).containsExactly(root.resolve("sub/c.pdf"), root.resolve("sub/deeper/d.html"));
        assertThat(selection.skipped()).contains(new Skipped(fifo, why), new Skipped(link, why + " (through a symbolic link)"));
        assertThat(sourceFiles.expand(List.of(fifo)).skipped()).containsExactly(new Skipped(fifo, why));
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
