package io.knowhow.ingest;

import org.apache.tika.langdetect.optimaize.OptimaizeLangDetector;
import org.apache.tika.language.detect.LanguageDetector;
import org.apache.tika.language.detect.LanguageResult;

import java.util.Locale;

/**
 * The main language of a document's text, as an ISO 639-1 code ("en", "zh", "de"), by Tika's Optimaize
 * detector (character n-gram profiles of 70 languages, bundled: no network). Empty when the detector is
 * not reasonably certain — a short or mixed text is better unlabelled than mislabelled.
 *
 * <p>Thread-safe: detection is serialised on the one detector, whose profiles take a second and about
 * 50 MB to load; a detection takes about a millisecond.
 */
final class LanguageDetection {
    /** Characters read from the start of a document: enough for a confident guess, cheap on a large file. */
    static final int SAMPLE_CHARS = 20_000;

    private static LanguageDetector detector;

    private LanguageDetection() {
    }

    /** The language of {@code text}, or "" when unsure. */
    static String of(CharSequence text) {
        String sample = text.length() > SAMPLE_CHARS ? text.subSequence(0, SAMPLE_CHARS).toString() : text.toString();
        if (sample.isBlank()) return "";
        LanguageResult result;
        synchronized (LanguageDetection.class) {
            // loadModels() reads the profiles bundled in the jar; it reports no I/O error of its own.
            if (detector == null) detector = new OptimaizeLangDetector().loadModels();
            result = detector.detect(sample);
        }
        if (result == null || result.isUnknown() || !result.isReasonablyCertain()) return "";
        return code(result.getLanguage());
    }

    /** "zh-CN" → "zh", "EN" → "en": the part before the region, lower case. */
    static String code(String tag) {
        if (tag == null) return "";
        int dash = tag.indexOf('-');
        return (dash < 0 ? tag : tag.substring(0, dash)).strip().toLowerCase(Locale.ROOT);
    }
}
