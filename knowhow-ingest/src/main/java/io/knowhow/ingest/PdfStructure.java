package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a damaged PDF from a whole one by its structure, because PDFBox (rightly, for viewing) repairs what it can
 * and says nothing: a PDF cut at byte 700 comes out as its first page, and knowhow would index a fraction of the
 * document as if it were all of it.
 *
 * <p>The rule, from the PDF specification (ISO 32000, 7.5.5): a file ends with {@code startxref}, the offset of its
 * cross-reference table, and {@code %%EOF}. Viewers accept up to 1 KiB of trailing bytes after it.
 * <ul>
 *   <li>No {@code %%EOF} in the last {@value #TAIL_BYTES} bytes: the file was cut short (a failed download or copy).
 *       Refused, whatever PDFBox could read, because what is missing is unknown.</li>
 *   <li>A {@code startxref} that points at no cross-reference table: the file was edited or concatenated badly.
 *       PDFBox rebuilds the table by scanning for objects, which often works; the file is refused only when that
 *       recovery yielded almost no text ({@link #MIN_RECOVERED_CHARS}), since a whole, readable document is
 *       better indexed than refused.</li>
 * </ul>
 */
final class PdfStructure {
    /** How far from the end %%EOF and startxref are looked for: viewers tolerate 1 KiB of trailing bytes. */
    static final int TAIL_BYTES = 2048;
    /** Less text than this, recovered from a PDF with a broken cross-reference table, is too little to trust. */
    static final int MIN_RECOVERED_CHARS = 100;

    private static final Pattern STARTXREF = Pattern.compile("startxref\\s+(\\d{1,19})");
    private static final Pattern OBJECT = Pattern.compile("\\A\\s*\\d+\\s+\\d+\\s+obj\\b");
    private static final Pattern XREF_STREAM = Pattern.compile("/Type\\s*/XRef\\b");

    private PdfStructure() {
    }

    /** Refuses a PDF that does not end like one; call before parsing. */
    static void checkComplete(Path file) throws IOException, UnreadableDocumentException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            String tail = read(ch, Math.max(0, size - TAIL_BYTES), (int) Math.min(size, TAIL_BYTES));
            if (!tail.contains("%%EOF")) {
                throw ZipContainerCheck.truncated(file, size, "it does not end with a PDF trailer (%%EOF)");
            }
        }
    }

    /** True when the last {@code startxref} points at a cross-reference table or stream. */
    static boolean crossReferenceIntact(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            String tail = read(ch, Math.max(0, size - TAIL_BYTES), (int) Math.min(size, TAIL_BYTES));
            Matcher m = STARTXREF.matcher(tail);
            String offset = null;
            while (m.find()) offset = m.group(1);
            if (offset == null) return false;
            long at;
            try {
                at = Long.parseLong(offset);
            } catch (NumberFormatException e) {
                return false;
            }
            if (at <= 0 || at >= size) return false;
            String there = read(ch, at, (int) Math.min(512, size - at));
            // a table ("xref"), or a cross-reference stream: an object whose dictionary says /Type /XRef
            return there.stripLeading().startsWith("xref") || OBJECT.matcher(there).find() && XREF_STREAM.matcher(there).find();
        }
    }

    /** Refuses what PDFBox recovered from a broken cross-reference table when it is almost nothing. */
    static void checkRecovered(Path file, int textChars) throws IOException, UnreadableDocumentException {
        if (textChars < MIN_RECOVERED_CHARS && !crossReferenceIntact(file)) {
            throw ZipContainerCheck.damaged(file, "its cross-reference table is broken and only " + textChars
                    + " characters of text could be recovered");
        }
    }

    private static String read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && ch.read(buffer, position + buffer.position()) > 0) {
            // read until full or end of file
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
    }
}
