package io.knowhow.app.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.knowhow.app.Classification;
import io.knowhow.app.DeleteResult;
import io.knowhow.app.tune.TuneOutcome;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SourceRecord;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shapes knowhow prints and serves: {@code ask --json} and {@code POST /api/ask} give the same
 * object, and so on for every command. snake_case field names, ISO dates. Fields are added, never renamed.
 */
public final class JsonViews {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private JsonViews() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Pretty-printed, for a terminal. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** One line, for HTTP bodies and logs. */
    public static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** {@code {"error": {"code", "message"}}}: every failure of a {@code --json} command or an API call. */
    public static ObjectNode error(String code, String message) {
        ObjectNode root = object();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return root;
    }

    public static ObjectNode answer(Answer answer) {
        ObjectNode root = object();
        root.put("answer", answer.text());
        root.put("abstained", answer.abstained());
        root.put("strategy", answer.strategy());
        if (answer.grounding() != null) {
            root.put("grounded", answer.grounding().grounded());
            root.put("support_ratio", answer.grounding().supportRatio());
            root.putPOJO("unsupported_sentences", answer.grounding().unsupportedSentences());
            root.putPOJO("invalid_citations", answer.grounding().invalidCitations());
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", answer.usage().promptTokens());
        usage.put("completion_tokens", answer.usage().completionTokens());
        root.put("cost", answer.cost());
        root.putPOJO("dropped_evidence", answer.droppedEvidence());
        root.putPOJO("notes", answer.notes());
        root.set("citations", citations(answer.citations()));
        ObjectNode t = root.putObject("timings_ms");
        for (Map.Entry<String, Double> e : answer.timingsMs().entrySet()) t.put(e.getKey(), e.getValue());
        return root;
    }

    public static ArrayNode citations(List<Citation> citations) {
        ArrayNode cites = MAPPER.createArrayNode();
        for (Citation c : citations) {
            ObjectNode n = cites.addObject();
            n.put("n", c.n());
            n.put("source", c.source());
            n.put("chunk_id", c.chunkId());
            n.putPOJO("heading_path", c.headingPath());
            n.put("text", c.text());
            n.put("score", c.score());
        }
        return cites;
    }

    public static ObjectNode hits(List<Hit> hits, String mode, double elapsedMs) {
        ObjectNode root = object();
        ArrayNode arr = root.putArray("hits");
        for (Hit h : hits) {
            ObjectNode n = arr.addObject();
            n.put("source", h.chunk().source());
            n.put("chunk_id", h.chunk().id());
            n.putPOJO("heading_path", h.chunk().headingPath());
            n.put("text", h.chunk().text());
            n.put("score", h.score());
        }
        root.put("mode", mode.toLowerCase(Locale.ROOT));
        root.put("elapsed_ms", Math.round(elapsedMs * 100) / 100.0);
        return root;
    }

    public static ObjectNode sources(Path kb, List<SourceRecord> sources) {
        ObjectNode root = object();
        root.put("kb", kb.toString());
        ArrayNode arr = root.putArray("sources");
        for (SourceRecord s : sources) {
            ObjectNode n = arr.addObject();
            n.put("source", s.source());
            n.put("chunks", s.chunkCount());
            n.put("size_bytes", s.sizeBytes());
            n.put("content_hash", s.contentHash());
            n.put("ingested_at", s.ingestedAt() == null ? null : s.ingestedAt().toString());
            n.put("first_seen_at", s.firstSeenAt() == null ? null : s.firstSeenAt().toString());
            n.putPOJO("tags", s.tags().stream().sorted().toList());
            n.putPOJO("access_groups", s.accessGroups().stream().sorted().toList());
        }
        return root;
    }

    public static ArrayNode changes(List<io.knowhow.core.model.SourceChange> changes) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (io.knowhow.core.model.SourceChange c : changes) {
            ObjectNode n = arr.addObject();
            n.put("at", c.at().toString());
            n.put("source", c.source());
            n.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
            n.put("content_hash", c.contentHash());
        }
        return arr;
    }

    public static ObjectNode check(Path kb, io.knowhow.core.port.StoreCheck check) {
        ObjectNode n = object();
        n.put("kb", kb.toString());
        n.put("ok", check.ok());
        n.put("segments", check.segments());
        n.put("documents", check.documents());
        n.putPOJO("problems", check.problems());
        return n;
    }

    public static ObjectNode ingest(Path kb, IngestReport report) {
        ObjectNode root = object();
        root.put("kb", kb.toString());
        for (IngestReport.Outcome o : IngestReport.Outcome.values()) root.put(o.name().toLowerCase(Locale.ROOT), report.count(o));
        root.put("chunks_written", report.chunksWritten());
        root.put("elapsed_ms", report.elapsedMillis());
        ArrayNode files = root.putArray("files");
        for (IngestReport.FileResult f : report.results()) {
            ObjectNode n = files.addObject();
            n.put("source", f.source());
            n.put("outcome", f.outcome().name().toLowerCase(Locale.ROOT));
            n.put("chunks", f.chunks());
            if (f.error() != null) n.put("error", f.error());
        }
        return root;
    }

    public static ObjectNode deleted(DeleteResult result) {
        ObjectNode root = object();
        root.putPOJO("deleted", result.deleted());
        root.putPOJO("unmatched", result.unmatched());
        return root;
    }

    public static ObjectNode classification(Classification c) {
        ObjectNode n = object();
        n.put("label", c.label());
        ObjectNode probs = n.putObject("probabilities");
        for (Map.Entry<String, Double> e : c.probabilities().entrySet()) probs.put(e.getKey(), e.getValue());
        return n;
    }

    public static ObjectNode tune(TuneOutcome r) {
        ObjectNode n = object();
        n.put("task", r.task().label());
        n.put("method", r.method());
        n.put("output", r.output().toString());
        n.put("artifact", r.artifact().map(Path::toString).orElse(null));
        n.put("merged", r.merged().map(Path::toString).orElse(null));
        n.put("steps", r.steps());
        n.put("total_steps", r.totalSteps());
        if (Double.isFinite(r.finalLoss())) n.put("final_loss", r.finalLoss());
        if (r.bestValidationLoss().isPresent()) n.put("best_validation_loss", r.bestValidationLoss().getAsDouble());
        n.put("stopped_early", r.stoppedEarly());
        n.put("interrupted", r.interrupted());
        n.put("examples", r.examples());
        n.put("train_examples", r.examples());
        n.put("validation_examples", r.validationExamples());
        n.put("truncated_examples", r.truncatedExamples());
        if (!r.slots().isEmpty()) n.putPOJO("slots", r.slots());
        n.putPOJO("activated", r.activated());
        n.put("elapsed_s", r.elapsed().toMillis() / 1000.0);
        n.put("run_log", r.runLog().toString());
        r.forgetting().ifPresent(f -> n.putObject("forgetting").put("metric", "general_loss").put("general_set", f.generalSet())
                .put("before", f.before()).put("after", f.after()).put("change_percent", f.changePercent()));
        return n;
    }
}
