package io.knowhow.eval.qa;

import java.nio.file.Path;

/** A QA or pairs file that cannot be read: names the file, the line and the field, and says what is expected. */
public final class QaFormatException extends IllegalArgumentException {
    private final Path file;
    private final int line;
    private final String field;

    public QaFormatException(Path file, int line, String field, String message) {
        super(file + ":" + line + (field == null ? "" : ": field '" + field + "'") + ": " + message);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** The offending field; null when the line as a whole is wrong (not JSON, not an object). */
    public String field() {
        return field;
    }
}
