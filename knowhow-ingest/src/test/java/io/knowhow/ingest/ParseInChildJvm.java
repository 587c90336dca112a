package io.knowhow.ingest;

import io.knowhow.core.model.Document;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Parses the files named on its command line with the default {@link TikaDocumentParser}, in a JVM of its own that a
 * test starts with a small heap: one line per file, "OK chars" or "FAILED message", then the peak resident memory.
 * A hostile file that got past the limits would exhaust this small heap, not the test run's.
 */
public final class ParseInChildJvm {
    private ParseInChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        TikaDocumentParser parser = new TikaDocumentParser();
        for (String arg : args) {
            Path file = Path.of(arg);
            try {
                Document doc = parser.parse(file, arg);
                System.out.println("OK " + doc.fullText().length());
            } catch (Throwable e) { // an OutOfMemoryError too: the test reports it rather than a dead child
                System.out.println("FAILED " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) System.out.println(line.replaceAll("\\s+", " "));
        }
    }
}
