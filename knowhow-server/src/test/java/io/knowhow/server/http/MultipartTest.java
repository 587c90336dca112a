package io.knowhow.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartTest {
    static final String CT = "multipart/form-data; boundary=XyZ";

    static byte[] body(byte[] file) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\nfinance\r\n".getBytes(StandardCharsets.UTF_8));
        b.write("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../r\u00e9sum\u00e9.md\"\r\nContent-Type: text/markdown\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        b.write(file);
        b.write("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\n\r\nsecond\r\n--XyZ--\r\nepilogue".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** A stream that hands out a few bytes at a time, so boundaries fall across reads. */
    static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }

    @Test
    void filesAndFieldsComeOutWholeWhateverTheReadSizes(@TempDir Path dir) throws Exception {
        byte[] file = new byte[300_000];
        new Random(1).nextBytes(file);
        // Bytes that look like the start of a delimiter (but are not one: the sender's boundary never occurs) stay in the file.
        System.arraycopy("\r\n--XyQ".getBytes(StandardCharsets.UTF_8), 0, file, 1000, 7);
        System.arraycopy("\r\n--Xy".getBytes(StandardCharsets.UTF_8), 0, file, file.length - 6, 6);
        Multipart.Form form = Multipart.parse(trickle(body(file)), CT, dir);
        assertThat(form.all("group")).containsExactly("finance");
        assertThat(form.files()).hasSize(2);
        Multipart.FilePart first = form.files().get(0);
        assertThat(first.clientName()).isEqualTo("../../résumé.md");
        assertThat(first.stored().getFileName().toString()).isEqualTo("résumé.md");
        assertThat(first.stored().getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(Files.readAllBytes(first.stored())).isEqualTo(file);
        assertThat(Files.readString(form.files().get(1).stored())).isEqualTo("second");
    }

    @Test
    void aBodyCutShortOrWithoutBoundaryIsRefused(@TempDir Path dir) throws Exception {
        byte[] whole = body("abc".getBytes(StandardCharsets.UTF_8));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2 + 40);
        assertThatThrownBy(() -> Multipart.parse(new ByteArrayInputStream(cut), CT, dir)).isInstanceOf(ApiException.class).hasMessageContaining("ends");
        assertThatThrownBy(() -> Multipart.parse(new ByteArrayInputStream(whole), "multipart/form-data", dir)).hasMessageContaining("no boundary");
        assertThatThrownBy(() -> Multipart.parse(new ByteArrayInputStream(whole), "application/json", dir)).hasMessageContaining("multipart/form-data");
    }

    @Test
    void aLongFieldIsRefused(@TempDir Path dir) {
        String big = "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\n" + "t".repeat(Multipart.MAX_FIELD_BYTES + 1) + "\r\n--XyZ--\r\n";
        assertThatThrownBy(() -> Multipart.parse(new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)), CT, dir))
                .isInstanceOf(ApiException.class).hasMessageContaining("'tag'");
    }
}
