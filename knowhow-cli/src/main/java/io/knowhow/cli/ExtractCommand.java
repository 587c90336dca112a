package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** {@code knowhow extract TEXT}: slot values found by a fine-tuned extractor, as a fixed-schema JSON object. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Extract slots from a text with the extractor trained by `knowhow tune --task extract` (or --model DIR).")
final class ExtractCommand extends KbCommand {
    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "the text to read")
    String[] words;

    @Option(names = "--model", paramLabel = "DIR", description = "extractor directory (default: extractor.model in config)")
    Path model;

    @Option(names = "--json", description = "print {\"slot\": \"value\", ...} (absent slots omitted)")
    boolean json;

    @Override
    int run(Knowhow kb) {
        Map<String, String> slots = kb.extract(String.join(" ", words), Optional.ofNullable(model));
        if (json) {
            ObjectNode n = JsonViews.object();
            slots.forEach(n::put);
            out().println(JsonViews.pretty(n));
        } else if (slots.isEmpty()) {
            out().println("(no slots found)");
        } else {
            slots.forEach((k, v) -> out().printf("%-16s %s%n", Terminal.line(k), Terminal.line(v)));
        }
        return 0;
    }
}
