package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tune} then {@code ask --strategy tuned|tuned-rag} through the command line, on a tiny random model
 * written by the test in HF format: the real loading, training and generation code.
 */
class TuneCliIT {
    @TempDir
    Path tmp;

    static final Map<String, String> INTENTS = Map.of(
            "I want my money back", "{\"intent\":\"refund\"}",
            "Where is my parcel?", "{\"intent\":\"shipping\"}",
            "Please return the cash for this order", "{\"intent\":\"refund\"}",
            "When will the package arrive", "{\"intent\":\"shipping\"}",
            // For tuned-rag the model must keep its format with evidence in the prompt: train it on that layout too.
            "[1] Refunds are paid within 14 days to the original card.\n\nQuestion: I want my money back", "{\"intent\":\"refund\"}",
            "[1] Parcels leave the warehouse within two days.\n\nQuestion: Where is my parcel?", "{\"intent\":\"shipping\"}");

    private CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void tunedModelAnswersInTheTrainedFormatAndHybridAddsEvidence() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        Path data = tmp.resolve("intents.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        INTENTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> lines.add(json.createObjectNode().put("input", e.getKey()).put("output", e.getValue()).toString()));
        Files.write(data, lines);
        String kb = tmp.resolve("kb").toString();

        CommandRun tune = run("--kb", kb, "tune", data.toString(), "--base", base.toString(), "--epochs", "60",
                "--lr", "1e-2", "--rank", "8", "--alpha", "16", "--dropout", "0", "--targets", "q,k,v,o,gate,up,down",
                "--val-fraction", "0", "--checkpoint-every", "0", "--batch-size", "6", "--max-seq-len", "128", "--seed", "1", "--json");
        assertThat(tune.status()).as(tune.err()).isZero();
        JsonNode t = tune.json();
        assertThat(t.get("steps").asInt()).isEqualTo(60);
        assertThat(Path.of(t.get("artifact").asText()).resolve("adapter_model.safetensors")).exists();
        // Forgetting on the bundled everyday questions, measured by the run and reported by tune and by eval's reader.
        JsonNode forgetting = t.get("forgetting");
        assertThat(forgetting.get("general_set").asText()).isEqualTo("knowhow:general-set.jsonl");
        assertThat(forgetting.get("after").asDouble()).isGreaterThan(forgetting.get("before").asDouble());
        var logged = io.knowhow.eval.compare.KnowhowTarget.readRunLog(Path.of(t.get("run_log").asText())).forgetting();
        assertThat(logged.measured()).isTrue();
        assertThat(logged.before()).isEqualTo(forgetting.get("before").asDouble());
        assertThat(logged.after()).isEqualTo(forgetting.get("after").asDouble());

        JsonNode tuned = run("--kb", kb, "ask", "I want my money back", "--strategy", "tuned", "--json").json();
        assertThat(tuned.get("answer").asText()).isEqualTo("{\"intent\":\"refund\"}");
        assertThat(tuned.get("strategy").asText()).isEqualTo("tuned");
        assertThat(tuned.get("citations")).isEmpty();

        // The 8-bit Java decoder answers the same; a misspelt engine is named in the error.
        assertThat(run("--kb", kb, "config", "set", "tuned.decoding", "q8").status()).isZero();
        assertThat(run("--kb", kb, "ask", "I want my money back", "--strategy", "tuned", "--json").json().get("answer").asText())
                .isEqualTo("{\"intent\":\"refund\"}");
        CommandRun bad = run("--kb", kb, "config", "set", "tuned.decoding", "int3");
        assertThat(bad.status()).as("a misspelt engine is refused when it is set, not at the next ask").isNotZero();
        assertThat(bad.err()).contains("tuned.decoding must be one of f32, q8, libtorch").contains("int3");
        assertThat(run("--kb", kb, "ask", "I want my money back", "--strategy", "tuned", "--json").json().get("answer").asText())
                .as("the refused value was not written").isEqualTo("{\"intent\":\"refund\"}");
        assertThat(run("--kb", kb, "config", "set", "tuned.decoding", "f32").status()).isZero();

        Path docs = tmp.resolve("docs");
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("refunds.txt"), "Refunds are paid within 14 days to the original card.");
        assertThat(run("--kb", kb, "ingest", docs.toString()).status()).isZero();
        CommandRun hybrid = run("--kb", kb, "ask", "I want my money back", "--strategy", "hybrid", "--json");
        assertThat(hybrid.status()).as(hybrid.err()).isZero();
        assertThat(hybrid.json().get("strategy").asText()).isEqualTo("tuned-rag");
        assertThat(hybrid.err()).as("the old name still works, with a note").contains("'hybrid' is deprecated").contains("tuned-rag");
        JsonNode alone = run("--kb", kb, "ask", "I want my money back", "--strategy", "tuned", "--json").json();
        assertThat(hybrid.json().get("usage").get("prompt_tokens").asInt())
                .as("the evidence is in the tuned-rag prompt, so it is longer than the question alone")
                .isGreaterThan(alone.get("usage").get("prompt_tokens").asInt() + 10);
        assertThat(hybrid.json().get("answer").asText()).as("the trained format survives the evidence in the prompt")
                .isEqualTo("{\"intent\":\"refund\"}");
    }

    @Test
    void tunedStrategyWithoutAModelSaysWhatToDo() {
        CommandRun r = run("--kb", tmp.resolve("kb").toString(), "ask", "hello", "--strategy", "tuned");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("knowhow tune");
    }

    @Test
    void badTrainingDataNamesTheLine() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama());
        Path data = tmp.resolve("bad.jsonl");
        Files.writeString(data, "{\"input\":\"a\",\"output\":\"b\"}\n{\"input\":\"c\"}\n");
        CommandRun r = run("--kb", tmp.resolve("kb").toString(), "tune", data.toString(), "--base", base.toString(), "--max-seq-len", "128");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.jsonl line 2");
    }

    @Test
    void encoderClassifierIsTrainedFromCsvAndLabelsText() throws Exception {
        Path csv = tmp.resolve("intents.csv");
        StringBuilder sb = new StringBuilder("text,category\n");
        String[] refund = {"I want my money back", "please refund my order", "refund the payment", "give me a refund now",
                "can I get my money returned", "return the cash for this purchase"};
        String[] card = {"my card is lost", "I lost my credit card", "card was stolen yesterday", "someone stole my card",
                "cannot find my debit card", "my card is missing"};
        for (String t : refund) sb.append('"').append(t).append("\",refund\n");
        for (String t : card) sb.append('"').append(t).append("\",lost_card\n");
        Files.writeString(csv, sb.toString());
        String kb = tmp.resolve("kb").toString();

        CommandRun tune = run("--kb", kb, "tune", "--task", "classify", csv.toString(), "--json");
        assertThat(tune.status()).as(tune.err()).isZero();
        assertThat(tune.json().get("method").asText()).isEqualTo("frozen");

        JsonNode p = run("--kb", kb, "classify", "help, my card has been stolen", "--json").json();
        assertThat(p.get("label").asText()).isEqualTo("lost_card");
        assertThat(p.get("probabilities").get("lost_card").asDouble()).isGreaterThan(p.get("probabilities").get("refund").asDouble());
        assertThat(run("--kb", kb, "classify", "I would like a refund please", "--json").json().get("label").asText()).isEqualTo("refund");

        Files.writeString(csv, "text,category\nonly one column\n");
        CommandRun bad = run("--kb", kb, "tune", "--task", "classify", csv.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("intents.csv");
    }

    @Test
    void encoderExtractorIsTrainedFromSpanLabelledJsonAndFillsTheSchema() throws Exception {
        String[][] rows = {{"table for 4 people at 7pm", "4", "7pm"}, {"a table for 2 at 8pm please", "2", "8pm"},
                {"dinner for 5 at noon", "5", "noon"}, {"can I get a table for 8 people", "8", null},
                {"at 7pm for 2 people", "2", "7pm"}, {"just me at 1pm", null, "1pm"}, {"hello there", null, null},
                {"reserve for 10 people at 5pm", "10", "5pm"}, {"is 7:45 free for 3", "3", "7:45"}, {"we need a table tonight", null, null}};
        ObjectMapper json = new ObjectMapper();
        var array = json.createArrayNode();
        for (String[] r : rows) {
            var e = array.addObject();
            e.putObject("userInput").put("text", r[0]);
            var labels = e.putArray("labels");
            for (int s = 1; s <= 2; s++) {
                if (r[s] == null) continue;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(r[s]) + "\\b").matcher(r[0]);
                assertThat(m.find()).isTrue();
                var l = labels.addObject().put("slot", s == 1 ? "people" : "time");
                l.putObject("valueSpan").put("startIndex", m.start()).put("endIndex", m.end());
            }
        }
        Path data = tmp.resolve("bookings.json");
        Files.writeString(data, json.writeValueAsString(array));
        String kb = tmp.resolve("kb").toString();

        CommandRun tune = run("--kb", kb, "tune", "--task", "extract", data.toString(), "--method", "frozen",
                "--epochs", "40", "--batch-size", "4", "--json");
        assertThat(tune.status()).as(tune.err()).isZero();
        assertThat(tune.json().get("slots")).extracting(JsonNode::asText).containsExactly("people", "time");

        JsonNode slots = run("--kb", kb, "extract", "table for 4 people at 7pm", "--json").json();
        assertThat(slots.get("people").asText()).isEqualTo("4");
        assertThat(slots.get("time").asText()).isEqualTo("7pm");
        assertThat(run("--kb", kb, "extract", "hello there", "--json").json().size()).isZero();
    }
}
