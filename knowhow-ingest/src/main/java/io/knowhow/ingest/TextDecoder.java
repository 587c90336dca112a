package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.txt.CharsetDetector;
import org.apache.tika.parser.txt.CharsetMatch;
import org.apache.tika.parser.txt.UniversalEncodingDetector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes a plain-text file (.txt, .md) to a string: a byte-order mark decides the charset and is
 * dropped, else strict UTF-8 is tried and, when the bytes are not valid UTF-8, the charset is
 * detected with Tika's encoding detectors.
 *
 * <p>Before decoding, the first {@value #SNIFF_BYTES} bytes are checked for binary content the way
 * git does it (a NUL byte) plus a ratio of other control bytes, so an image or archive renamed to
 * .txt is refused instead of being indexed as mojibake.
 */
final class TextDecoder {

    /** A decoded text and the charset it was read with. */
    record Decoded(String text, Charset charset) {
    }

    static final int SNIFF_BYTES = 8000;

    /** Enough bytes for the detector to see past an ASCII preamble; it only reads a prefix anyway. */
    private static final int DETECT_BYTES = 64 * 1024;

    /** More than this share of control bytes (other than tab, line ends, form feed) means binary. */
    private static final double MAX_CONTROL_RATIO = 0.1;

    /** Below this confidence (0-100) the detector is guessing; windows-1252 is the safer guess. */
    private static final int MIN_CONFIDENCE = 20;

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private TextDecoder() {
    }

    /**
     * @param maxChars the most characters to accept; beyond it the file is refused as too large
     * @throws UnreadableDocumentException when the file looks binary or holds too much text
     * @throws IOException                 when the file cannot be read
     */
    static Decoded decode(Path file, long maxChars) throws IOException, UnreadableDocumentException {
        byte[] head = readHead(file, DETECT_BYTES);
        Bom bom = Bom.of(head);
        checkNotBinary(file, head);
        Charset charset = bom != null ? bom.charset : StandardCharsets.UTF_8;
        int skip = bom != null ? bom.length : 0;
        try {
            return new Decoded(read(file, skip, strict(charset), maxChars), charset);
        } catch (CharacterCodingException notUtf8) {
            if (bom != null) {
                throw new UnreadableDocumentException(file + " is not valid " + charset.name()
                        + " although it starts with a " + charset.name() + " byte-order mark: the file"
                        + " is damaged or mislabelled; re-save it as UTF-8", notUtf8);
            }
            Charset detected = detect(head);
            CharsetDecoder lenient = detected.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            return new Decoded(read(file, 0, lenient, maxChars), detected);
        }
    }

    private static CharsetDecoder strict(Charset charset) {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static String read(Path file, int skip, CharsetDecoder decoder, long maxChars)
            throws IOException, UnreadableDocumentException {
        StringBuilder sb = new StringBuilder();
        char[] buffer = new char[8192];
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(skip);
            Reader reader = new InputStreamReader(in, decoder);
            int n;
            while ((n = reader.read(buffer)) != -1) {
                if (sb.length() + (long) n > maxChars) throw TikaDocumentParser.tooLarge(file, maxChars);
                sb.append(buffer, 0, n);
            }
        }
        return sb.toString();
    }

    static byte[] readHead(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max);
        }
    }

    /**
     * Refuses a file whose first bytes look binary. Skipped for files with a UTF-16 byte-order mark,
     * whose ASCII characters carry a NUL byte each.
     *
     * @param head the file's first bytes (at least {@value #SNIFF_BYTES} when the file is that long)
     */
    static void checkNotBinary(Path file, byte[] head) throws UnreadableDocumentException {
        if (Bom.of(head) == null && looksBinary(head, Math.min(head.length, SNIFF_BYTES))) {
            throw new UnreadableDocumentException(file + " looks binary, not text: it holds NUL or"
                    + " other control bytes; check that the file really is a text file");
        }
    }

    private static boolean looksBinary(byte[] bytes, int length) {
        int control = 0;
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xFF;
            if (c == 0) return true;
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) control++;
        }
        return control > MAX_CONTROL_RATIO * length;
    }

    /**
     * Guesses the charset of bytes that are not UTF-8: first Mozilla's detector (Tika's
     * {@link UniversalEncodingDetector}), which is reliable on short Western European text where
     * ICU's statistics tie Latin-1 with Latin-2; then ICU's {@link CharsetDetector}; else
     * windows-1252. ISO-8859-1 and ASCII become windows-1252, as browsers do (WHATWG Encoding
     * Standard): files labelled Latin-1 are nearly always windows-1252, whose 0x80-0x9F are curly
     * quotes and dashes rather than control characters.
     */
    private static Charset detect(byte[] head) throws IOException {
        Charset universal = new UniversalEncodingDetector().detect(new ByteArrayInputStream(head), new Metadata());
        if (universal != null && !universal.equals(StandardCharsets.UTF_8)) return widen(universal);
        CharsetDetector icu = new CharsetDetector();
        icu.setText(head);
        for (CharsetMatch match : icu.detectAll()) {
            if (match.getConfidence() < MIN_CONFIDENCE) break;
            String name = match.getName();
            // the strict pass already proved the bytes are not UTF-8, whatever the prefix suggests
            if (name.equalsIgnoreCase("UTF-8") || !Charset.isSupported(name)) continue;
            return widen(Charset.forName(name));
        }
        return WINDOWS_1252;
    }

    private static Charset widen(Charset charset) {
        return charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII)
                ? WINDOWS_1252 : charset;
    }

    private enum Bom {
        UTF_8(StandardCharsets.UTF_8, 0xEF, 0xBB, 0xBF),
        UTF_16BE(StandardCharsets.UTF_16BE, 0xFE, 0xFF),
        UTF_16LE(StandardCharsets.UTF_16LE, 0xFF, 0xFE);

        final Charset charset;
        final int length;
        private final int[] bytes;

        Bom(Charset charset, int... bytes) {
            this.charset = charset;
            this.length = bytes.length;
            this.bytes = bytes;
        }

        static Bom of(byte[] head) {
            outer:
            for (Bom bom : values()) {
                if (head.length < bom.length) continue;
                for (int i = 0; i < bom.length; i++) {
                    if ((head[i] & 0xFF) != bom.bytes[i]) continue outer;
                }
                return bom;
            }
            return null;
        }
    }
}
