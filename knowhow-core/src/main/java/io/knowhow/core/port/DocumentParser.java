package io.knowhow.core.port;

import io.knowhow.core.model.Document;

import java.nio.file.Path;

/** Reads one file into a {@link Document} of cleaned text with its headings. */
public interface DocumentParser {
    /**
     * @param file   the file to read
     * @param source the source key to put on the document
     * @throws UnreadableDocumentException when the file cannot be turned into text (corrupt, binary,
     *                                     empty, unknown encoding), with the reason in the message
     */
    Document parse(Path file, String source) throws UnreadableDocumentException;

    /** True when the file name's extension is one this parser reads. */
    boolean supports(Path file);
}
