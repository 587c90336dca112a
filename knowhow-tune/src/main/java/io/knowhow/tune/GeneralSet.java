package io.knowhow.tune;

import io.knowhow.tune.data.EncodedExample;

import java.util.List;

/**
 * Examples outside the task, scored before and after training to measure forgetting: the loss per target
 * token of everyday answers. A rise means the tuned model finds general text less likely than the base did.
 *
 * @param name     the file or bundled resource they came from, as the run log names it
 * @param examples encoded with the run's template and tokenizer; empty skips the measurement
 */
record GeneralSet(String name, List<EncodedExample> examples) {
    GeneralSet {
        examples = List.copyOf(examples);
    }

    static GeneralSet none() {
        return new GeneralSet("none", List.of());
    }
}
