package io.knowhow.cli;

import io.knowhow.app.Classification;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;

/** {@code knowhow classify TEXT}: the label a fine-tuned classifier gives a text. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Label a text with the classifier trained by `knowhow tune --task classify` (or --model DIR).")
final class ClassifyCommand extends KbCommand {
    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "the text to label")
    String[] words;

    @Option(names = "--model", paramLabel = "DIR", description = "classifier directory (default: classifier.model in config)")
    Path model;

    @Option(names = "--top", defaultValue = "3", paramLabel = "N", description = "probabilities to show (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--json", description = "print label and all probabilities as JSON")
    boolean json;

    @Override
    int run(Knowhow kb) {
        Classification c = kb.classify(String.join(" ", words), Optional.ofNullable(model));
        if (json) out().println(JsonViews.pretty(JsonViews.classification(c)));
        else {
            out().println(Terminal.line(c.label()));
            c.probabilities().entrySet().stream().limit(top).forEach(e -> out().printf("  %-32s %.3f%n", Terminal.line(e.getKey()), e.getValue()));
        }
        return 0;
    }
}
