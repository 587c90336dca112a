package io.knowhow.eval.qa;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

/**
 * One question of a QA file.
 *
 * @param line     the line of the file it was read from (1-based), for messages and reports
 * @param id       its id: the file's {@code id}, else {@code "line N"}
 * @param question the question asked
 * @param answers  accepted answers (aliases); empty for an expected abstention or a schema-only format task
 * @param sources  file names or paths of the sources that hold the answer (a stored source matches when its path
 *                 ends with one, at a path-component boundary); empty when not given
 * @param abstain  the corpus does not answer it: the right output is an abstention
 * @param schema   a JSON Schema the answer must satisfy (a format task); null when none
 */
public record QaCase(int line, String id, String question, List<String> answers, List<String> sources, boolean abstain,
                     JsonNode schema) {
    public QaCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        answers = List.copyOf(answers == null ? List.of() : answers);
        sources = List.copyOf(sources == null ? List.of() : sources);
    }

    /** A plain question with accepted answers, for tests and programs. */
    public static QaCase of(String question, String... answers) {
        return new QaCase(0, question, question, List.of(answers), List.of(), false, null);
    }
}
