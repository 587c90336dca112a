package io.knowhow.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The server is a face: it imports knowhow-app and knowhow-core, never an engine package (Lucene, ONNX, Tika, ...). */
class ImportsTest {
    @Test
    void theServerImportsOnlyTheAppAndCore() throws Exception {
        Path src = Path.of("src/main/java");
        List<String> bad;
        try (Stream<Path> files = Files.walk(src)) {
            bad = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.startsWith("import io.knowhow.") || l.startsWith("import static io.knowhow."))
                            .filter(l -> !l.matches("import (static )?io\\.knowhow\\.(app|core|server)\\..*")).map(l -> p + ": " + l);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(bad).isEmpty();
        try (Stream<Path> files = Files.walk(src)) {
            assertThat(files.filter(p -> p.toString().endsWith(".java"))).isNotEmpty();
        }
    }
}
