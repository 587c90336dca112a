package io.knowhow.tune.generate;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the growing decoded text of a generation into deltas for a streaming callback while watching
 * for stop sequences.
 *
 * <p>Text is held back while it could still change: a trailing U+FFFD (a character whose UTF-8 bytes
 * are split across tokens) and any tail that is the beginning of a stop sequence. Once a stop sequence
 * appears, the text ends before it. Whatever is emitted is never taken back, and the final text is
 * exactly the concatenation of the deltas.
 */
final class TextStream {
    private final List<String> stops;
    private final Consumer<String> sink;
    private final StringBuilder emitted = new StringBuilder();
    private boolean stopped;

    TextStream(List<String> stops, Consumer<String> sink) {
        this.stops = stops;
        this.sink = sink;
    }

    /**
     * Takes the whole text decoded so far; emits what is now certain.
     *
     * @return true when a stop sequence was reached: generation should end
     */
    boolean update(String decoded) {
        if (stopped) return true;
        int cut = stopIndex(decoded);
        if (cut >= 0) {
            emitUpTo(decoded.substring(0, cut));
            stopped = true;
            return true;
        }
        int safe = decoded.length();
        while (safe > 0 && decoded.charAt(safe - 1) == '\uFFFD') safe--;
        safe -= heldForStop(decoded.substring(0, safe));
        emitUpTo(decoded.substring(0, safe));
        return false;
    }

    /** Ends the stream with the final decoded text and returns the answer text. */
    String finish(String decoded) {
        if (!stopped) {
            int cut = stopIndex(decoded);
            emitUpTo(cut >= 0 ? decoded.substring(0, cut) : decoded);
        }
        return emitted.toString();
    }

    private void emitUpTo(String text) {
        // A decoder that rewrote earlier text (rare with byte-level BPE) gets nothing more until it agrees again.
        if (text.length() <= emitted.length() || !text.startsWith(emitted.toString())) return;
        String delta = text.substring(emitted.length());
        emitted.append(delta);
        if (sink != null) sink.accept(delta);
    }

    private int stopIndex(String text) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** Length of the longest tail of {@code text} that is a proper prefix of a stop sequence. */
    private int heldForStop(String text) {
        int held = 0;
        for (String s : stops)
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--)
                if (text.endsWith(s.substring(0, k))) {
                    held = k;
                    break;
                }
        return held;
    }
}
