package io.knowhow.ingest;

import io.knowhow.core.port.DocumentParser;
import io.knowhow.core.port.DocumentParserContract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Tika parser keeps the {@link DocumentParser} contract for the text formats (binary formats have their own tests). */
class TikaDocumentParserContractTest extends DocumentParserContract {
    private final TikaDocumentParser parser = new TikaDocumentParser();

    @Override
    protected DocumentParser parser() {
        return parser;
    }

    @Override
    protected List<String> extensions() {
        return List.of("txt", "md", "html");
    }

    @Override
    protected Path sample(Path dir, String extension) throws Exception {
        Path file = dir.resolve("sample." + extension);
        Files.writeString(file, switch (extension) {
            case "md" -> "# Audit\n\n" + SENTENCE + "\n";
            case "html" -> "<html><head><title>Audit</title></head><body><h1>Audit</h1><p>" + SENTENCE + "</p></body></html>";
            default -> SENTENCE + "\n";
        });
        return file;
    }
}
