package io.knowhow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads SQuAD v1.1 / v2.0 JSON into paragraphs and questions (with their gold paragraph). */
record Squad(List<Paragraph> paragraphs, List<Question> questions) {
    record Paragraph(int id, String title, String context) {}

    /** @param answers gold answer texts; empty when the question is unanswerable (SQuAD 2.0) */
    record Question(String id, String text, int paragraph, List<String> answers, boolean impossible) {}

    /** Writes each paragraph to {@code docs/pNNNNN.txt} (created) and returns the files, in paragraph order. */
    List<Path> writeParagraphs(Path docs) throws IOException {
        java.nio.file.Files.createDirectories(docs);
        List<Path> files = new ArrayList<>();
        for (Paragraph p : paragraphs) {
            Path f = docs.resolve(String.format(java.util.Locale.ROOT, "p%05d.txt", p.id()));
            java.nio.file.Files.writeString(f, p.context());
            files.add(f);
        }
        return files;
    }

    static Squad load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Paragraph> paragraphs = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        for (JsonNode article : root.get("data")) {
            String title = article.get("title").asText().replace('_', ' ');
            for (JsonNode p : article.get("paragraphs")) {
                int pid = paragraphs.size();
                paragraphs.add(new Paragraph(pid, title, p.get("context").asText()));
                for (JsonNode q : p.get("qas")) {
                    List<String> answers = new ArrayList<>();
                    for (JsonNode a : q.get("answers")) answers.add(a.get("text").asText());
                    boolean impossible = q.has("is_impossible") && q.get("is_impossible").asBoolean();
                    questions.add(new Question(q.get("id").asText(), q.get("question").asText(), pid, answers, impossible));
                }
            }
        }
        return new Squad(paragraphs, questions);
    }
}
