package io.knowhow.server.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * Turns a client's file name into a safe name inside an upload folder. The client's name is a label, never a path:
 * directories ({@code ../../etc/passwd}, {@code C:\x}, {@code /abs}) are dropped, NUL and control characters removed,
 * characters other than letters, digits, {@code . _ -} and space replaced, leading dots removed (no hidden files,
 * no {@code ..}), and the result capped at {@value #MAX_BYTES} bytes keeping the extension (so the parser is chosen
 * by it). The resolved path is checked to be a direct child of the folder.
 */
public final class UploadNames {
    static final int MAX_BYTES = 120;
    static final String FALLBACK = "upload";

    private UploadNames() {}

    public static String sanitise(String clientName) {
        String s = clientName == null ? "" : Normalizer.normalize(clientName, Normalizer.Form.NFC);
        s = s.replace('\\', '/');
        int slash = s.lastIndexOf('/');
        if (slash >= 0) s = s.substring(slash + 1);
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0) return;
            if (Character.isLetterOrDigit(cp) || cp == '.' || cp == '_' || cp == '-' || cp == ' ') sb.appendCodePoint(cp);
            else sb.append('_');
        });
        String name = sb.toString().strip();
        while (name.startsWith(".") || name.startsWith(" ")) name = name.substring(1);
        while (name.endsWith(".") || name.endsWith(" ")) name = name.substring(0, name.length() - 1);
        if (name.isEmpty() || name.chars().allMatch(c -> c == '_')) name = FALLBACK + extension(name);
        return cap(name);
    }

    /** A new file in {@code dir} for {@code clientName}: sanitised, and numbered when the name is taken. */
    public static Path place(Path dir, String clientName) {
        String name = sanitise(clientName);
        String ext = extension(name);
        String stem = name.substring(0, name.length() - ext.length());
        Path p = dir.resolve(name);
        for (int i = 2; Files.exists(p); i++) p = dir.resolve(cap(stem + "-" + i + ext));
        Path normal = p.toAbsolutePath().normalize();
        if (!dir.toAbsolutePath().normalize().equals(normal.getParent()))
            throw new IllegalStateException("upload name " + name + " resolved outside " + dir);
        return normal;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.length() - dot > 16) return "";
        return name.substring(dot);
    }

    private static String cap(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) return name;
        String ext = extension(name);
        String stem = name.substring(0, name.length() - ext.length());
        int budget = MAX_BYTES - ext.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < stem.length(); ) {
            int cp = stem.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > budget) break;
            sb.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return sb + ext;
    }
}
