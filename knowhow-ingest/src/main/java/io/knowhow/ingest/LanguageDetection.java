package io.knowhow.ingest;

import org.apache.tika.langdetect.optimaize.OptimaizeLangDetector;
import org.apache.tika.language.detect.LanguageDetector;
import org.apache.tika.language.detect.LanguageResult;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The main language of a document's text, as an ISO 639-1 code ("en", "zh", "de"), by Tika's Optimaize
 * detector (character n-gram profiles of 70 languages, bundled: no network). Empty when the detector is
 * not reasonably certain — a short or mixed text is better unlabelled than mislabelled.
 *
 * <p>Thread-safe: detection is serialised on the one detector, whose profiles take 0.65 s and about 50 MB to load
 * (so an ingest starts loading them beside its other start-up work: {@link #warmUp()}); a detection of a
 * SQuAD paragraph takes 0.2–0.3 ms.
 */
final class LanguageDetection {
    /** Characters read from the start of a document: enough for a confident guess, cheap on a large file. */
    static final int SAMPLE_CHARS = 20_000;

    private static CompletableFuture<LanguageDetector> detector;

    private LanguageDetection() {
    }

    /** Starts loading the profiles on a background thread, if nobody has; detection waits for them then. */
    static void warmUp() {
        loading();
    }

    private static synchronized CompletableFuture<LanguageDetector> loading() {
        if (detector == null) {
            CompletableFuture<LanguageDetector> f = new CompletableFuture<>();
            detector = f;
            // loadModels() reads the profiles bundled in the jar; it reports no I/O error of its own.
            Thread.ofPlatform().daemon().name("knowhow-language-profiles").start(() -> {
                try {
                    f.complete(new OptimaizeLangDetector().loadModels());
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
        }
        return detector;
    }

    /** The language of {@code text}, or "" when unsure. */
    static String of(CharSequence text) {
        String sample = text.length() > SAMPLE_CHARS ? text.subSequence(0, SAMPLE_CHARS).toString() : text.toString();
        if (sample.isBlank()) return "";
        LanguageDetector d;
        try {
            d = loading().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
        LanguageResult result;
        synchronized (d) { // Tika's detector gathers text in a buffer of its own
            result = d.detect(sample);
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
