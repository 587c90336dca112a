package io.knowhow.eval.qa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QaFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryFieldOfVersionOne() throws Exception {
        Path f = tmp.resolve("qa.jsonl");
        Files.writeString(f, """
                {"knowhow_qa": 1}
                {"id": "p", "question": "Price?", "answers": ["$49", "49 dollars"], "sources": ["pricing.md"]}

                {"question": "Salesforce?", "abstain": true}
                {"question": "As JSON", "schema": {"type": "object"}}
                """);
        List<QaCase> cases = QaFile.read(f);
        assertThat(cases).hasSize(3);
        assertThat(cases.get(0)).satisfies(c -> {
            assertThat(c.id()).isEqualTo("p");
            assertThat(c.answers()).containsExactly("$49", "49 dollars");
            assertThat(c.sources()).containsExactly("pricing.md");
            assertThat(c.line()).isEqualTo(2);
        });
        assertThat(cases.get(1).abstain()).isTrue();
        assertThat(cases.get(1).id()).isEqualTo("line 4");
        assertThat(cases.get(2).schema().get("type").asText()).isEqualTo("object");
    }

    @Test
    void aBadLineIsReportedWithItsLineNumberAndField() {
        assertError("{\"question\": \"q\", \"answer\": [\"x\"]}", 1, "answer", "did you mean 'answers'");
        assertError("{\"question\": \"q\", \"answers\": \"x\"}", 1, "answers", "array of strings");
        assertError("{\"question\": \"ok\", \"answers\": [\"x\"]}\n{\"answers\": [\"x\"]}", 2, "question", "missing");
        assertError("{\"question\": \"q\", \"abstain\": true, \"answers\": [\"x\"]}", 1, "answers", "abstention");
        assertError("{\"question\": \"q\"}", 1, "answers", "missing");
        assertError("{\"question\": \"q\", \"answers\": [\"x\"]}\nnot json", 2, null, "not a JSON object");
        assertError("{\"knowhow_qa\": 2}\n{\"question\": \"q\", \"answers\": [\"x\"]}", 1, "knowhow_qa", "newer");
        assertError("{\"id\": \"a\", \"question\": \"q\", \"answers\": [\"x\"]}\n{\"id\": \"a\", \"question\": \"r\", \"answers\": [\"y\"]}", 2, "id", "twice");
    }

    private void assertError(String content, int line, String field, String message) {
        Path f = tmp.resolve("bad.jsonl");
        try {
            Files.writeString(f, content);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> QaFile.read(f)).isInstanceOfSatisfying(QaFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(f + ":" + line).contains(message);
        });
    }

    @Test
    void pairsAreCountedValidatedAndTheirFormatMeasured() throws Exception {
        Path labels = tmp.resolve("intents.csv");
        StringBuilder csv = new StringBuilder("text,category\n");
        for (int i = 0; i < 50; i++) csv.append("text number ").append(i).append(',').append(i % 3 == 0 ? "refund" : "shipping").append('\n');
        Files.writeString(labels, csv);
        Pairs p = Pairs.read(labels);
        assertThat(p.count()).isEqualTo(50);
        assertThat(p.distinctOutputs()).isEqualTo(2);
        assertThat(p.fixedFormat()).isTrue();

        Path free = tmp.resolve("free.jsonl");
        Files.writeString(free, "{\"input\": \"a\", \"output\": \"a long free answer\"}\n{\"messages\": [{\"role\": \"user\", \"content\": \"b\"}, {\"role\": \"assistant\", \"content\": \"another answer\"}]}\n");
        assertThat(Pairs.read(free).fixedFormat()).isFalse();

        Path json = tmp.resolve("json.jsonl");
        Files.writeString(json, "{\"input\": \"a\", \"output\": \"{\\\"intent\\\": \\\"x1\\\"}\"}\n{\"input\": \"b\", \"output\": \"{\\\"intent\\\": \\\"x2\\\"}\"}\n");
        Pairs j = Pairs.read(json);
        assertThat(j.jsonOutputs()).isEqualTo(2);
        assertThat(j.fixedFormat()).isTrue();

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"input\": \"a\", \"output\": \"x\"}\n{\"input\": \"b\"}\n");
        assertThatThrownBy(() -> Pairs.read(bad)).isInstanceOfSatisfying(QaFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.field()).isEqualTo("output");
        });
    }
}
