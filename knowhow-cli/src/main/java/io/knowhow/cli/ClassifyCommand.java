package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tuneencoder.classify.Classifier;
import io.knowhow.tuneencoder.classify.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;

/** {@code knowhow classify TEXT}: the label a fine-tuned classifier gives a text. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Label a text with the classifier trained by `knowhow tune --task classify` (or --model DIR).")
final class ClassifyCommand extends KbCommand {
    @Parameters(paramLabel = "TEXT", arity = "1..*")
    String[] words;

    @Option(names = "--model", paramLabel = "DIR", description = "classifier directory (default: classifier.model in config)")
    Path model;

    @Option(names = "--top", defaultValue = "3", description = "probabilities to show (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--json", description = "print label and all probabilities as JSON")
    boolean json;

    @Override
    int run(KnowhowRuntime runtime) {
        Path dir = model != null ? model : Path.of(runtime.config().get("classifier.model", "")).toAbsolutePath();
        if (model == null && runtime.config().get("classifier.model", null) == null)
            throw new IllegalArgumentException("no classifier yet: run `knowhow tune --task classify DATA.csv` first, or pass --model DIR");
        try (Classifier c = Classifier.load(dir)) {
            Prediction p = c.classify(String.join(" ", words));
            if (json) {
                ObjectNode n = Json.object();
                n.put("label", p.label());
                ObjectNode probs = n.putObject("probabilities");
                for (Map.Entry<String, Double> e : p.probabilities().entrySet()) probs.put(e.getKey(), e.getValue());
                out().println(Json.write(n));
            } else {
                out().println(p.label());
                p.probabilities().entrySet().stream().limit(top).forEach(e -> out().printf("  %-32s %.3f%n", e.getKey(), e.getValue()));
            }
        }
        return 0;
    }
}
