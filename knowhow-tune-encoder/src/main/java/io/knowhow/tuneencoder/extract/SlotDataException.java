package io.knowhow.tuneencoder.extract;

import java.nio.file.Path;

/** Thrown when a slot data file cannot be used; the message names the file, the entry and its line, and the problem. */
public final class SlotDataException extends RuntimeException {
    private final Path file;
    private final int entry;
    private final int line;

    public SlotDataException(Path file, int entry, int line, String problem) {
        super(file + (entry > 0 ? ": entry " + entry + " (line " + line + ")" : "") + ": " + problem);
        this.file = file;
        this.entry = entry;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based entry of the top-level array, 0 when the problem concerns the whole file. */
    public int entry() {
        return entry;
    }

    /** 1-based line where the entry starts, 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
