package io.knowhow.tune.data;

import java.util.List;

/**
 * A training data file that cannot be used. The message lists the problems, each as
 * {@code file line N: what is wrong}, so the user can fix them all in one pass.
 */
public class TrainingDataException extends RuntimeException {
    private final List<String> problems;

    public TrainingDataException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public TrainingDataException(String message) {
        this(message, List.of(message));
    }

    /** Each problem found, one per entry, in file order. */
    public List<String> problems() {
        return problems;
    }
}
