package io.knowhow.bench;

import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * What each hostile file costs to ingest: every file goes to a fresh child JVM, started with knowhow's JVM flags and
 * the default heap as {@code bin/knowhow} starts it, which runs {@code Knowhow.ingest} on it into a new knowledge base
 * and reports the outcome and its peak resident memory (VmHWM from /proc/self/status, read at the end).
 *
 * <pre>bench/run HostileFilesBench [--dir /tmp/hostile] [--keep]</pre>
 *
 * Files: a .docx whose document.xml unpacks to 1 GiB, an .xlsx whose sheet does, a 2.2 GB sparse .txt, a 200 MB
 * .txt (over ingest.max-file-bytes), a 90 MB .txt (under it, over ingest.max-chars: streamed until the cap), and an
 * ordinary 1 MB .docx for comparison.
 */
public final class HostileFilesBench {
    private static final long MIB = 1L << 20;

    private HostileFilesBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        Map<String, String> a = Args.parse(args);
        Path dir = a.containsKey("dir") ? Files.createDirectories(Path.of(a.get("dir"))) : Files.createTempDirectory("hostile");
        List<Path> files = List.of(
                docxBomb(dir.resolve("bomb.docx")),
                xlsxBomb(dir.resolve("bomb.xlsx")),
                sparse(dir.resolve("sparse-2.2GB.txt"), 2_200_000_000L),
                text(dir.resolve("text-200MB.txt"), 200 * MIB),
                text(dir.resolve("text-90MB.txt"), 90 * MIB),
                normalDocx(dir.resolve("normal-1MB.docx")));
        System.out.printf(Locale.ROOT, "machine: %d cores, %s; load before: %s%n", Runtime.getRuntime().availableProcessors(),
                memTotal(), Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.println();
        System.out.println("| file | on disk | outcome | peak RSS | wall |");
        System.out.println("|---|---|---|---|---|");
        for (Path f : files) {
            long t0 = System.nanoTime();
            List<String> out = runChild(dir.resolve("kb-" + f.getFileName()), f);
            double secs = (System.nanoTime() - t0) / 1e9;
            String outcome = out.stream().filter(l -> l.startsWith("OUTCOME ")).map(l -> l.substring(8)).findFirst().orElse("no outcome: " + out);
            String rss = out.stream().filter(l -> l.startsWith("VmHWM")).map(l -> l.replaceAll("\\D+", "")).findFirst()
                    .map(kb -> String.format(Locale.ROOT, "%,d MB", Long.parseLong(kb) / 1024)).orElse("?");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.1f s |%n", f.getFileName(), onDisk(f), outcome.replace("|", "\\|"), rss, secs);
        }
        System.out.println();
        System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).strip());
        if (!a.containsKey("keep")) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** In the child JVM: ingest one file into a new knowledge base with the default configuration. */
    private static void child(Path kb, Path file) throws IOException {
        try (Knowhow knowhow = Knowhow.builder(kb).environment(Map.of()).build()) {
            IngestReport report = knowhow.ingest(IngestRequest.of(file), IngestListener.NONE);
            IngestReport.FileResult r = report.results().getFirst();
            String error = r.error() == null ? "" : ": " + r.error().replace(file.toString(), file.getFileName().toString());
            System.out.println("OUTCOME " + r.outcome().name().toLowerCase(Locale.ROOT) + (r.chunks() > 0 ? " (" + r.chunks() + " chunks)" : "") + error);
        } catch (Throwable e) {
            System.out.println("OUTCOME crashed: " + e);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) System.out.println(line);
        }
    }

    private static List<String> runChild(Path kb, Path file) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // knowhow's JVM flags as bench/run passed them, but the default heap, as bin/knowhow runs
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (!arg.startsWith("-Xmx")) command.add(arg);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HostileFilesBench.class.getName(), "child", kb.toString(), file.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return List.of("OUTCOME killed after 10 minutes");
        }
        reader.join();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Path sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    /** Words of English-like text, real bytes on disk. */
    private static Path text(Path file, long size) throws IOException {
        String[] words = "the key rotation policy says every token expires after ninety days unless renewed by its owner".split(" ");
        Random random = new Random(1);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            long n = 0;
            int line = 0;
            while (n < size) {
                String word = words[random.nextInt(words.length)];
                w.write(word);
                n += word.length() + 1;
                if (++line % 14 == 0) w.write('\n');
                else w.write(' ');
            }
        }
        return file;
    }

    /**
     * An ordinary 1 MB report: 30 pages of text (about 60,000 characters) and a 900 KB picture, as office documents are
     * mostly pictures by size. The picture is random bytes, so it does not compress.
     */
    private static Path normalDocx(Path file) throws IOException, org.apache.poi.openxml4j.exceptions.InvalidFormatException {
        Random random = new Random(2);
        String[] words = "the knowledge base collects what a team has learned so that new members find answers quickly".split(" ");
        try (XWPFDocument doc = new XWPFDocument(); OutputStream out = Files.newOutputStream(file)) {
            for (int paragraph = 0; paragraph < 150; paragraph++) {
                StringBuilder p = new StringBuilder();
                for (int i = 0; i < 60; i++) p.append(words[random.nextInt(words.length)]).append(i % 12 == 11 ? ". " : " ");
                doc.createParagraph().createRun().setText(p.toString());
            }
            byte[] picture = new byte[900_000];
            random.nextBytes(picture);
            doc.addPictureData(picture, org.apache.poi.xwpf.usermodel.Document.PICTURE_TYPE_PNG);
            doc.write(out);
        }
        return file;
    }

    private static Path docxBomb(Path file) throws IOException {
        Path plain = file.resolveSibling("plain.docx");
        try (XWPFDocument doc = new XWPFDocument(); OutputStream out = Files.newOutputStream(plain)) {
            doc.createParagraph().createRun().setText("x");
            doc.write(out);
        }
        return bomb(plain, file, "word/document.xml", "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                + "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>", "</w:t></w:r></w:p></w:body></w:document>");
    }

    private static Path xlsxBomb(Path file) throws IOException {
        Path plain = file.resolveSibling("plain.xlsx");
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(); OutputStream out = Files.newOutputStream(plain)) {
            wb.createSheet("Sheet1").createRow(0).createCell(0).setCellValue("x");
            wb.write(out);
        }
        return bomb(plain, file, "xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
                + "spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", "</t></is></c></row></sheetData></worksheet>");
    }

    /**
     * Copies {@code source} with {@code part} replaced by prefix + 1 GiB of 'A' + suffix, about 1 MB deflated. One MiB
     * of the run is deflated once and its compressed form repeated: a full flush resets the compressor, so every MiB
     * compresses alike, and the bomb takes a second to write instead of a minute.
     */
    private static Path bomb(Path source, Path target, String part, String prefix, String suffix) throws IOException {
        byte[] run = new byte[(int) MIB];
        Arrays.fill(run, (byte) 'A');
        int chunks = 1024;
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] tail = suffix.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        flush(deflater, head, raw);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        flush(deflater, run, one);
        CRC32 crc = new CRC32();
        crc.update(head);
        for (int i = 0; i < chunks; i++) {
            raw.write(one.toByteArray());
            crc.update(run);
        }
        crc.update(tail);
        deflater.setInput(tail);
        deflater.finish();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) raw.write(buf, 0, deflater.deflate(buf));
        deflater.end();
        // java.util.zip cannot write precompressed data: write the two ZIP headers by hand around it
        try (ZipFile in = new ZipFile(source.toFile()); OutputStream out = Files.newOutputStream(target)) {
            RawZipWriter zip = new RawZipWriter(out);
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals(part)) {
                    zip.add(part, raw.toByteArray(), crc.getValue(), head.length + (long) chunks * run.length + tail.length);
                } else {
                    byte[] bytes;
                    try (var s = in.getInputStream(e)) {
                        bytes = s.readAllBytes();
                    }
                    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                    d.setInput(bytes);
                    d.finish();
                    ByteArrayOutputStream c = new ByteArrayOutputStream();
                    while (!d.finished()) c.write(buf, 0, d.deflate(buf));
                    d.end();
                    CRC32 ec = new CRC32();
                    ec.update(bytes);
                    zip.add(e.getName(), c.toByteArray(), ec.getValue(), bytes.length);
                }
            }
            zip.finish();
        }
        Files.delete(source);
        return target;
    }

    private static void flush(Deflater deflater, byte[] input, ByteArrayOutputStream out) {
        deflater.setInput(input);
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !deflater.needsInput());
    }

    /** The minimum of the ZIP format for deflated entries under 4 GiB: local headers, data, central directory. */
    private static final class RawZipWriter {
        private final OutputStream out;
        private final ByteArrayOutputStream central = new ByteArrayOutputStream();
        private long offset;
        private int entries;

        RawZipWriter(OutputStream out) {
            this.out = out;
        }

        void add(String name, byte[] deflated, long crc, long size) throws IOException {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream local = new ByteArrayOutputStream();
            int32(local, 0x04034b50);
            int16(local, 20);
            int16(local, 0x0800);
            int16(local, 8);
            int32(local, 0);
            int32(local, crc);
            int32(local, deflated.length);
            int32(local, size);
            int16(local, n.length);
            int16(local, 0);
            local.write(n);
            int32(central, 0x02014b50);
            int16(central, 20);
            int16(central, 20);
            int16(central, 0x0800);
            int16(central, 8);
            int32(central, 0);
            int32(central, crc);
            int32(central, deflated.length);
            int32(central, size);
            int16(central, n.length);
            int16(central, 0);
            int16(central, 0);
            int16(central, 0);
            int16(central, 0);
            int32(central, 0);
            int32(central, offset);
            central.write(n);
            out.write(local.toByteArray());
            out.write(deflated);
            offset += local.size() + deflated.length;
            entries++;
        }

        void finish() throws IOException {
            byte[] dir = central.toByteArray();
            out.write(dir);
            ByteArrayOutputStream end = new ByteArrayOutputStream();
            int32(end, 0x06054b50);
            int16(end, 0);
            int16(end, 0);
            int16(end, entries);
            int16(end, entries);
            int32(end, dir.length);
            int32(end, offset);
            int16(end, 0);
            out.write(end.toByteArray());
        }

        private static void int16(ByteArrayOutputStream o, int v) {
            o.write(v & 0xFF);
            o.write((v >>> 8) & 0xFF);
        }

        private static void int32(ByteArrayOutputStream o, long v) {
            for (int i = 0; i < 4; i++) o.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    private static String onDisk(Path f) throws IOException {
        long size = Files.size(f);
        return size >= 1_000_000_000 ? String.format(Locale.ROOT, "%.1f GB", size / 1e9) : String.format(Locale.ROOT, "%.1f MB", size / 1e6);
    }

    private static String memTotal() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) return String.format(Locale.ROOT, "%.0f GiB RAM", Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024);
        }
        return "? RAM";
    }
}
