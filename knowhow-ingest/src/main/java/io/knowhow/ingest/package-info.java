/**
 * Ingest: reads files into {@link io.knowhow.core.model.Document}s of clean text split into sections
 * by heading, the first step of the way from files to the knowledge store.
 *
 * <ul>
 *   <li>{@link io.knowhow.ingest.TikaDocumentParser}: the {@link io.knowhow.core.port.DocumentParser}
 *       for .txt, .md, .html, .pdf, .docx, .xlsx, .pptx, .odt, .rtf, .epub, .eml, .csv and .tsv (Apache Tika,
 *       commonmark for Markdown, Commons CSV), within {@link io.knowhow.ingest.ParseLimits}.</li>
 *   <li>{@link io.knowhow.ingest.TextCleaner}: the cleaning every parser's output goes through
 *       (NFC, control characters, spaces, blank lines, hard-wrapped and hyphenated lines).</li>
 *   <li>{@link io.knowhow.ingest.SourceFiles}: expands the files and folders a user names into the
 *       files to ingest under their real paths, following links only inside them, reporting what it skipped.</li>
 * </ul>
 *
 * <p>Errors a user can fix are {@link io.knowhow.core.port.UnreadableDocumentException}s whose
 * message starts with the file's path.
 */
package io.knowhow.ingest;
