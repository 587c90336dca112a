package io.knowhow.ingest;

import java.util.Locale;

/**
 * What one file may cost to parse, so that one hostile or damaged file is refused by name instead of exhausting
 * the heap and aborting a whole ingest. Each limit has the config key a user raises when a genuine file trips it,
 * and every refusal message names that key.
 *
 * <ul>
 *   <li>{@code maxChars}: characters of text, counted as the text arrives from the parser, never after.</li>
 *   <li>{@code maxCompressionRatio}: how many times larger than its stored size a part of a ZIP-based document
 *       (.docx, .xlsx, .pptx, .odt, .epub) may unpack — 100 is the limit POI and Tika use by default. Zip bombs
 *       unpack about 1,000 times; real XML rarely passes 30.</li>
 *   <li>{@code maxUnzippedBytes}: how many bytes all parts of such a document may unpack to together: the
 *       memory and time budget of one file, checked by unpacking (never trusting the sizes the file declares)
 *       before any parser builds anything from it.</li>
 * </ul>
 *
 * @param maxChars            the most characters of text one document may hold
 * @param maxCompressionRatio the most a ZIP part may expand (unpacked bytes per stored byte)
 * @param maxUnzippedBytes    the most bytes all parts of one ZIP-based document may unpack to
 */
public record ParseLimits(long maxChars, int maxCompressionRatio, long maxUnzippedBytes) {
    /** Config keys of the limits (registered by knowhow-app's ConfigKeys; named here in refusal messages). */
    public static final String MAX_CHARS_KEY = "ingest.max-chars";
    public static final String MAX_COMPRESSION_RATIO_KEY = "ingest.max-compression-ratio";
    public static final String MAX_UNZIPPED_BYTES_KEY = "ingest.max-unzipped-bytes";

    /** 50 million characters: about 100 MB on the heap as text, a 20,000-page book. */
    public static final long DEFAULT_MAX_CHARS = 50_000_000L;
    /** POI's ZipSecureFile and Tika's SecureContentHandler default (POI's check is switched off by Tika's OOXMLParser). */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;
    /** 512 MiB: a 100 MB text-heavy .docx unpacks to 300-500 MB; a 1 MB zip bomb to 1 GiB and more. */
    public static final long DEFAULT_MAX_UNZIPPED_BYTES = 512L * 1024 * 1024;

    public static final ParseLimits DEFAULTS =
            new ParseLimits(DEFAULT_MAX_CHARS, DEFAULT_MAX_COMPRESSION_RATIO, DEFAULT_MAX_UNZIPPED_BYTES);

    public ParseLimits {
        if (maxChars < 1) throw new IllegalArgumentException("maxChars must be at least 1, got " + maxChars);
        if (maxCompressionRatio < 1)
            throw new IllegalArgumentException("maxCompressionRatio must be at least 1, got " + maxCompressionRatio);
        if (maxUnzippedBytes < 1) throw new IllegalArgumentException("maxUnzippedBytes must be at least 1, got " + maxUnzippedBytes);
    }

    /** These limits with another character cap. */
    public ParseLimits withMaxChars(long chars) {
        return new ParseLimits(chars, maxCompressionRatio, maxUnzippedBytes);
    }

    /** "512 MiB", "1.5 GiB", "700 bytes": sizes as a user reads them in a message. */
    static String bytes(long n) {
        if (n < 1024) return n + " bytes";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }
}
