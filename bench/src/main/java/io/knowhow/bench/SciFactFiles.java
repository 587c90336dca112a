package io.knowhow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.ingest.IngestPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SciFact in BEIR layout as a benchmark reads it: every abstract written to {@code ID.txt} (title, blank line,
 * text) for ingestion, and the test queries with their relevant sources (the ingest source keys of those files).
 *
 * @param files    the abstract files, in corpus order
 * @param queries  test query texts, in qrels order
 * @param relevant per query, the source keys of its relevant abstracts
 */
record SciFactFiles(List<Path> files, List<String> queries, List<Set<String>> relevant) {
    static SciFactFiles write(Path dir, Path docs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(docs);
        List<Path> files = new ArrayList<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
            JsonNode n = json.readTree(line);
            Path f = docs.resolve(n.get("_id").asText() + ".txt");
            Files.writeString(f, n.get("title").asText() + "\n\n" + n.get("text").asText());
            files.add(f);
            sourceOf.put(n.get("_id").asText(), IngestPlan.sourceKey(f));
        }
        Map<String, String> text = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            JsonNode n = json.readTree(line);
            text.put(n.get("_id").asText(), n.get("text").asText());
        }
        Map<String, Set<String>> qrels = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("qrels/test.tsv"))) {
            String[] f = line.split("\t");
            if (f.length < 3 || f[0].equals("query-id") || Integer.parseInt(f[2].trim()) <= 0) continue;
            qrels.computeIfAbsent(f[0], k -> new LinkedHashSet<>()).add(sourceOf.get(f[1]));
        }
        return new SciFactFiles(files, qrels.keySet().stream().map(text::get).toList(), new ArrayList<>(qrels.values()));
    }
}
