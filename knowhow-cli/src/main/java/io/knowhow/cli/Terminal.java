package io.knowhow.cli;

/**
 * Makes untrusted text (file names, document text, an LLM's answer) safe to print on a terminal: control
 * characters are shown escaped instead of being sent, so a file named with a newline cannot forge an output
 * line and an ESC or OSC sequence cannot drive the terminal. JSON output needs none of this: its encoder
 * escapes control characters already.
 */
final class Terminal {
    private Terminal() {}

    /** For multi-line text: keeps newlines and tabs, escapes every other control character. */
    static String text(String s) {
        return escape(s, true);
    }

    /** For one line (a name, a path): escapes newlines too. */
    static String line(String s) {
        return escape(s, false);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) return "";
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 && !(keepLines && (c == '\n' || c == '\t')) || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                    || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
            if (control) {
                if (sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                sb.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                });
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
