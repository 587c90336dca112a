package io.knowhow.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578): file parts are written straight into a folder under
 * names from {@link UploadNames} (never the client's path), text fields are kept in memory with small limits.
 * The body is read once, through a buffer, so an upload's size is bounded by the caller's limited stream and not
 * by memory.
 */
public final class Multipart {
    static final int MAX_FIELDS = 64;
    static final int MAX_FIELD_BYTES = 8 * 1024;
    static final int MAX_FILES = 1000;
    static final int MAX_HEADER_LINE = 8 * 1024;

    /** A stored file part: the form field, the name the client gave, where it was written and its size. */
    public record FilePart(String field, String clientName, Path stored, long size) {}

    /** The parsed form: text fields by name (repeatable), and the stored files in order. */
    public record Form(Map<String, List<String>> fields, List<FilePart> files) {
        public List<String> all(String field) {
            return fields.getOrDefault(field, List.of());
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;
    private boolean eof;

    private Multipart(InputStream in) {
        this.in = in;
    }

    /** The boundary parameter of a {@code multipart/form-data} content type, or a 400/415 saying what is wrong. */
    public static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
            throw new ApiException(415, "unsupported_media_type", "send the files as multipart/form-data (got " + contentType + ")");
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring(9).strip();
                if (b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2) b = b.substring(1, b.length() - 1);
                if (b.isEmpty() || b.length() > 70) throw ApiException.badRequest("the multipart boundary must be 1 to 70 characters");
                return b;
            }
        }
        throw ApiException.badRequest("the multipart/form-data content type has no boundary parameter");
    }

    /** Reads the whole form from {@code in}, writing file parts into {@code dir} (created when the first file comes). */
    public static Form parse(InputStream in, String contentType, Path dir) throws IOException {
        return new Multipart(in).read(boundary(contentType).getBytes(StandardCharsets.ISO_8859_1), dir);
    }

    private Form read(byte[] boundary, Path dir) throws IOException {
        byte[] dashBoundary = concat("--".getBytes(StandardCharsets.ISO_8859_1), boundary);
        byte[] delimiter = concat("\r\n".getBytes(StandardCharsets.ISO_8859_1), dashBoundary);
        // The preamble ends at the first boundary, which may open the body without a CRLF before it.
        String first = readLine();
        while (first != null && !first.equals(new String(dashBoundary, StandardCharsets.ISO_8859_1))) first = readLine();
        if (first == null) throw ApiException.badRequest("the multipart body has no part (no line --" + new String(boundary, StandardCharsets.ISO_8859_1) + ")");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<FilePart> files = new ArrayList<>();
        int fieldCount = 0;
        while (true) {
            Map<String, String> headers = readHeaders();
            String disposition = headers.get("content-disposition");
            if (disposition == null) throw ApiException.badRequest("a multipart part has no Content-Disposition header");
            String name = param(disposition, "name");
            String filename = param(disposition, "filename");
            if (name == null) throw ApiException.badRequest("a multipart part has no name in its Content-Disposition");
            if (filename != null) {
                if (files.size() >= MAX_FILES) throw ApiException.tooLarge("more than " + MAX_FILES + " files in one upload: split it");
                Files.createDirectories(dir);
                Path target = UploadNames.place(dir, filename);
                long size;
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    size = copyUntil(delimiter, out, Long.MAX_VALUE, name);
                }
                files.add(new FilePart(name, filename, target, size));
            } else {
                if (++fieldCount > MAX_FIELDS) throw ApiException.tooLarge("more than " + MAX_FIELDS + " form fields in one upload");
                java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
                copyUntil(delimiter, value, MAX_FIELD_BYTES, name);
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString(StandardCharsets.UTF_8));
            }
            // After a delimiter: "--" closes the body, CRLF starts the next part.
            if (!ensure(2)) throw ApiException.badRequest("the multipart body ends right after a boundary");
            if (buf[start] == '-' && buf[start + 1] == '-') break;
            String rest = readLine();
            if (rest == null || !rest.isBlank()) throw ApiException.badRequest("unexpected text after a multipart boundary");
        }
        return new Form(fields, files);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = readLine();
            if (line == null) throw ApiException.badRequest("the multipart body ends inside a part's headers");
            if (line.isEmpty()) return headers;
            if (i > 20) throw ApiException.badRequest("a multipart part has too many headers");
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
    }

    /** {@code name="value"} from a Content-Disposition header; the value as UTF-8 (what browsers send). */
    static String param(String header, String name) {
        int i = 0;
        String lower = header.toLowerCase(Locale.ROOT);
        while ((i = lower.indexOf(name + "=", i)) >= 0) {
            boolean boundaryBefore = i == 0 || lower.charAt(i - 1) == ';' || lower.charAt(i - 1) == ' ';
            int v = i + name.length() + 1;
            if (!boundaryBefore) {
                i = v;
                continue;
            }
            if (v < header.length() && header.charAt(v) == '"') {
                StringBuilder sb = new StringBuilder();
                for (int j = v + 1; j < header.length(); j++) {
                    char c = header.charAt(j);
                    if (c == '\\' && j + 1 < header.length()) sb.append(header.charAt(++j));
                    else if (c == '"') break;
                    else sb.append(c);
                }
                return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            int e = header.indexOf(';', v);
            return header.substring(v, e < 0 ? header.length() : e).strip();
        }
        return null;
    }

    /** Copies bytes until {@code pattern}, which is consumed; fails past {@code limit} bytes. */
    private long copyUntil(byte[] pattern, OutputStream out, long limit, String field) throws IOException {
        long written = 0;
        while (true) {
            int found = indexOf(pattern);
            if (found >= 0) {
                written += found - start;
                if (written > limit) throw ApiException.tooLarge("form field '" + field + "' is longer than " + limit + " bytes");
                out.write(buf, start, found - start);
                start = found + pattern.length;
                return written;
            }
            // Keep what could be the start of the pattern; write the rest.
            int safe = Math.max(start, end - (pattern.length - 1));
            written += safe - start;
            if (written > limit) throw ApiException.tooLarge("form field '" + field + "' is longer than " + limit + " bytes");
            out.write(buf, start, safe - start);
            start = safe;
            if (!fill()) throw ApiException.badRequest("the multipart body ends before its closing boundary (an upload cut short?)");
        }
    }

    private int indexOf(byte[] pattern) {
        outer:
        for (int i = start; i <= end - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (buf[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** A CRLF-terminated line (CRLF removed) as ISO-8859-1; null at the end of the body. */
    private String readLine() throws IOException {
        while (true) {
            for (int i = start; i < end - 1; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, start, i - start, StandardCharsets.ISO_8859_1);
                    start = i + 2;
                    return line;
                }
            }
            if (end - start > MAX_HEADER_LINE) throw ApiException.badRequest("a multipart header line is longer than " + MAX_HEADER_LINE + " bytes");
            if (!fill()) return null;
        }
    }

    private boolean ensure(int n) throws IOException {
        while (end - start < n) if (!fill()) return false;
        return true;
    }

    /** Reads more into the buffer (moving what is left to its front); false at the end of the body. */
    private boolean fill() throws IOException {
        if (eof) return false;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) throw ApiException.badRequest("a multipart line does not fit the reader's buffer");
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
