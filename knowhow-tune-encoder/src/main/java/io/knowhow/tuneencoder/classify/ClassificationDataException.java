package io.knowhow.tuneencoder.classify;

import java.nio.file.Path;

/** Thrown when a classification data file cannot be used; the message names the file, the line and what to fix. */
public final class ClassificationDataException extends RuntimeException {
    private final Path file;
    private final int line;

    public ClassificationDataException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line of the problem, 0 when it concerns the whole file. */
    public int line() {
        return line;
    }
}
