package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks every part of a ZIP-based document (.docx, .xlsx, .pptx, .odt, .epub) once, into nothing, before a
 * parser sees it, and refuses the file by name when it is a zip bomb or damaged.
 *
 * <p>Why a separate pass: Tika's OOXMLParser switches POI's zip-bomb check off when it loads
 * ({@code ZipSecureFile.setMinInflateRatio(-1)}, relying on a SecureContentHandler that only Tika's
 * AutoDetectParser installs), POI's DOCX path builds the whole document in memory before a character of text
 * reaches a handler, and the ODF and EPUB parsers have no such check at all. Counting real unpacked bytes here
 * — never the sizes the ZIP declares, which a bomb can fake — bounds what any parser can be handed:
 * <ul>
 *   <li>a part that unpacks more than {@link ParseLimits#maxCompressionRatio()} times its stored size (once past
 *       {@link #RATIO_GRACE_BYTES}), or the parts together more than that times the file's size (overlapping
 *       entries that reuse one compressed stream), is a zip bomb;</li>
 *   <li>all parts together may unpack to at most {@link ParseLimits#maxUnzippedBytes()};</li>
 *   <li>at most {@link #MAX_ENTRIES} parts (Tika's own OOXML setting).</li>
 * </ul>
 * Memory stays one buffer: the unpacked bytes are counted and checksummed, not kept. Unpacking stops at the
 * first limit, so a 1 GiB bomb costs 100 MB of inflating, not 1 GiB.
 *
 * <p>Damage shows on the same pass: a file cut short has no central directory (the ZIP's table of contents
 * is at its end), and a part whose bytes were changed fails to inflate or fails its CRC-32. Java's
 * {@link ZipFile} does not verify CRCs, so they are computed here.
 *
 * <p>Nested containers are not unpacked: knowhow never parses embedded documents, so a ZIP inside a part is
 * just bytes (the package entry depth is 1 by construction).
 */
final class ZipContainerCheck {
    /** Parts that unpack to less than this are never called bombs: small XML parts compress 200 times. */
    static final long RATIO_GRACE_BYTES = 1L << 20;
    /** Tika sets POI's ZipSecureFile.setMaxFileCount to the same. */
    static final int MAX_ENTRIES = 10_000;

    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};

    private ZipContainerCheck() {
    }

    /**
     * @param label the format's name for messages, e.g. "Word document (.docx)"
     * @throws UnreadableDocumentException when the file is no ZIP, is damaged, or is over a limit
     */
    static void check(Path file, String label, ParseLimits limits) throws UnreadableDocumentException, IOException {
        long fileSize = Files.size(file);
        byte[] head = TextDecoder.readHead(file, LOCAL_HEADER.length);
        if (!java.util.Arrays.equals(head, LOCAL_HEADER)) {
            throw new UnreadableDocumentException(file + " is not a valid " + label + ": it is not a ZIP package, as every"
                    + " .docx, .xlsx, .pptx, .odt and .epub is; check that the file really is one");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            // The central directory, the ZIP's table of contents, is the last thing in the file: without it the file was cut short.
            throw truncated(file, fileSize, "its ZIP directory is missing or unreadable (" + e.getMessage() + ")");
        }
        try (zip) {
            if (zip.size() > MAX_ENTRIES) {
                throw new UnreadableDocumentException(String.format(Locale.ROOT, "%s holds %,d parts, more than the %,d a"
                        + " document may have: it is not a document knowhow reads (a fixed limit)", file, zip.size(), MAX_ENTRIES));
            }
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) continue;
                long stored = Math.max(entry.getCompressedSize(), 1);
                long unpacked = 0;
                CRC32 crc = new CRC32();
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        unpacked += n;
                        total += n;
                        crc.update(buffer, 0, n);
                        if (unpacked > RATIO_GRACE_BYTES && unpacked > stored * limits.maxCompressionRatio())
                            throw bomb(file, entry.getName(), stored, limits);
                        if (total > limits.maxUnzippedBytes()) throw tooBigUnpacked(file, limits);
                        if (total > RATIO_GRACE_BYTES && total > fileSize * limits.maxCompressionRatio())
                            throw bomb(file, "(all parts together)", fileSize, limits);
                    }
                } catch (EOFException e) {
                    throw truncated(file, fileSize, "its part " + entry.getName() + " ends early");
                } catch (ZipException e) {
                    throw damaged(file, "its part " + entry.getName() + " cannot be unpacked (" + e.getMessage() + ")");
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw damaged(file, "its part " + entry.getName() + " fails its checksum");
                }
                if (entry.getSize() != -1 && unpacked != entry.getSize()) {
                    throw damaged(file, "its part " + entry.getName() + " unpacks to " + unpacked
                            + " bytes, not the " + entry.getSize() + " its directory says");
                }
            }
        }
    }

    /** "…/x.docx is damaged (truncated at byte 2681? its ZIP directory is missing): re-export it or copy it again". */
    static UnreadableDocumentException truncated(Path file, long size, String what) {
        return damaged(file, String.format(Locale.ROOT, "truncated at byte %d? %s", size, what));
    }

    /** "…/x.docx is damaged (its part word/document.xml fails its checksum): re-export it or copy it again". */
    static UnreadableDocumentException damaged(Path file, String what) {
        return new UnreadableDocumentException(file + " is damaged (" + what + "): re-export it or copy it again");
    }

    private static UnreadableDocumentException bomb(Path file, String part, long stored, ParseLimits limits) {
        return new UnreadableDocumentException(String.format(Locale.ROOT,
                "%s looks like a zip bomb: %s unpacks to more than %d times its stored %s (%s = %d); nothing of it was"
                        + " ingested. If the file is genuine, raise %s",
                file, part.startsWith("(") ? "it " + part : "its part " + part, limits.maxCompressionRatio(),
                ParseLimits.bytes(stored), ParseLimits.MAX_COMPRESSION_RATIO_KEY, limits.maxCompressionRatio(),
                ParseLimits.MAX_COMPRESSION_RATIO_KEY));
    }

    private static UnreadableDocumentException tooBigUnpacked(Path file, ParseLimits limits) {
        return new UnreadableDocumentException(String.format(Locale.ROOT,
                "%s is too large: its parts unpack to more than %s (%s); split it into smaller files or raise %s",
                file, ParseLimits.bytes(limits.maxUnzippedBytes()), ParseLimits.MAX_UNZIPPED_BYTES_KEY,
                ParseLimits.MAX_UNZIPPED_BYTES_KEY));
    }
}
