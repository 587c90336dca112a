package io.knowhow.ingest;

import io.knowhow.core.port.UnreadableDocumentException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) or TSV file as a table:
 * the first row names the columns when it looks like a header, and every other row becomes a paragraph
 * "Column: value | Column: value" ({@link TableRows}), so the chunker packs whole records.
 */
final class DelimitedRows {
    private DelimitedRows() {
    }

    static void render(Path file, String text, char delimiter, SectionCollector out) throws UnreadableDocumentException {
        CSVFormat format = (delimiter == '\t' ? CSVFormat.TDF : CSVFormat.RFC4180).builder()
                .setIgnoreEmptyLines(true).setTrim(true).get();
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text), format)) {
            for (CSVRecord record : parser) rows.add(record.toList());
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            String what = delimiter == '\t' ? "TSV" : "CSV";
            throw new UnreadableDocumentException(file + " is not a valid " + what + " file: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) return;
        boolean header = TableRows.looksLikeHeader(rows.get(0), rows.size());
        TableRows.write(header ? rows.get(0) : null, header ? rows.subList(1, rows.size()) : rows, out);
    }
}
