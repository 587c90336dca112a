package io.knowhow.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a table the way a reader looks one up: each data row as one line that carries its column
 * headers, "Severity: SEV2 | Response time: 4 hours | Resolution: 2 days", a paragraph of its own. A row
 * then makes sense alone — in a chunk cut between rows, in a search hit, in a quoted answer — and the
 * chunker, which ends sentences at paragraph breaks, packs whole rows. HTML and DOCX tables, GFM tables
 * and CSV/TSV files all come out this way.
 */
final class TableRows {
    private static final Pattern NUMBER = Pattern.compile("[-+]?[$€£]?\\d[\\d.,:%/ -]*");
    /** Longest text a header cell may have; longer first-row cells are data. */
    private static final int MAX_HEADER_CHARS = 60;

    private TableRows() {
    }

    /**
     * True when {@code row}, the first of several, looks like a header: every cell has text, short and
     * not a number. Used where the format does not say (DOCX, HTML without {@code <th>}, CSV).
     */
    static boolean looksLikeHeader(List<String> row, int rowCount) {
        if (rowCount < 2 || row.isEmpty()) return false;
        for (String cell : row) {
            String c = cell.strip();
            if (c.isEmpty() || c.length() > MAX_HEADER_CHARS || NUMBER.matcher(c).matches()) return false;
        }
        return true;
    }

    /** One data row: "Header: cell | Header: cell", empty cells left out; cells without a header as they are. */
    static String format(List<String> header, List<String> cells) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            String cell = clean(cells.get(i));
            if (cell.isEmpty()) continue;
            String h = header != null && i < header.size() ? clean(header.get(i)) : "";
            parts.add(h.isEmpty() || h.equals(cell) ? cell : h + ": " + cell);
        }
        return String.join(" | ", parts);
    }

    /** Writes the rows after {@code header} (null when the table has none), one paragraph each. */
    static void write(List<String> header, List<List<String>> rows, SectionCollector out) {
        out.paragraphBreak();
        if (header != null && rows.isEmpty()) {
            out.append(format(null, header));
            out.paragraphBreak();
            return;
        }
        for (List<String> row : rows) {
            String line = format(header, row);
            if (line.isEmpty()) continue;
            out.append(line);
            out.paragraphBreak();
        }
    }

    private static String clean(String cell) {
        return cell.replaceAll("\\s+", " ").strip();
    }
}
