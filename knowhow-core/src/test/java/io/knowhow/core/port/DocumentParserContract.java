package io.knowhow.core.port;

import io.knowhow.core.model.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link DocumentParser} promises. An implementation's test extends this and writes one sample
 * file per format it reads, each holding {@link #SENTENCE}.
 */
public abstract class DocumentParserContract {
    /** The text every sample holds. */
    protected static final String SENTENCE = "The quarterly audit is due on the fifteenth of March.";

    @TempDir
    protected Path dir;

    protected abstract DocumentParser parser();

    /** Writes a sample in the format named by {@code extension} (e.g. "md") into {@code dir}; returns it. */
    protected abstract Path sample(Path dir, String extension) throws Exception;

    /** The extensions this parser reads; each gets a sample. */
    protected abstract java.util.List<String> extensions();

    @Test
    void everySupportedFormatYieldsItsTextUnderTheGivenSource() throws Exception {
        for (String ext : extensions()) {
            Path file = sample(dir, ext);
            assertThat(parser().supports(file)).as(ext).isTrue();
            Document doc = parser().parse(file, "source-key-" + ext);
            assertThat(doc.source()).isEqualTo("source-key-" + ext);
            assertThat(doc.fullText().replaceAll("\\s+", " ")).as(ext).contains(SENTENCE);
        }
    }

    @Test
    void anUnknownExtensionIsNotSupported() {
        assertThat(parser().supports(dir.resolve("archive.xyz123"))).isFalse();
    }

    @Test
    void anEmptyFileIsRefusedByName() throws Exception {
        Path empty = dir.resolve("empty." + extensions().get(0));
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> parser().parse(empty, "empty")).isInstanceOf(UnreadableDocumentException.class)
                .hasMessageContaining("empty." + extensions().get(0));
    }

    @Test
    void aMissingFileIsRefusedByName() {
        Path missing = dir.resolve("missing." + extensions().get(0));
        assertThatThrownBy(() -> parser().parse(missing, "missing")).isInstanceOf(UnreadableDocumentException.class)
                .hasMessageContaining("missing." + extensions().get(0));
    }
}
