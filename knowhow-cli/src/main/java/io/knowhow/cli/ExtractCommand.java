package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tuneencoder.extract.Extractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;

/** {@code knowhow extract TEXT}: slot values found by a fine-tuned extractor, as a fixed-schema JSON object. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Extract slots from a text with the extractor trained by `knowhow tune --task extract` (or --model DIR).")
final class ExtractCommand extends KbCommand {
    @Parameters(paramLabel = "TEXT", arity = "1..*")
    String[] words;

    @Option(names = "--model", paramLabel = "DIR", description = "extractor directory (default: extractor.model in config)")
    Path model;

    @Option(names = "--json", description = "print {\"slot\": \"value\", ...} (absent slots omitted)")
    boolean json;

    @Override
    int run(KnowhowRuntime runtime) {
        String configured = runtime.config().get("extractor.model", null);
        if (model == null && configured == null)
            throw new IllegalArgumentException("no extractor yet: run `knowhow tune --task extract DATA.json` first, or pass --model DIR");
        try (Extractor x = Extractor.load(model != null ? model : Path.of(configured))) {
            Map<String, String> slots = x.extract(String.join(" ", words));
            if (json) {
                ObjectNode n = Json.object();
                slots.forEach(n::put);
                out().println(Json.write(n));
            } else if (slots.isEmpty()) {
                out().println("(no slots found)");
            } else {
                slots.forEach((k, v) -> out().printf("%-16s %s%n", k, v));
            }
        }
        return 0;
    }
}
