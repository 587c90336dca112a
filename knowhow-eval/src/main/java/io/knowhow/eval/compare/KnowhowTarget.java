package io.knowhow.eval.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.app.AskRequest;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.config.AskSettings;
import io.knowhow.app.config.ConfigKeys;
import io.knowhow.app.config.TunedSettings;
import io.knowhow.core.grounding.GroundingVerifier;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.metrics.SourceMatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An {@link EvalTarget} over a {@link Knowhow} knowledge base, read as one {@link Reader}. Adds to
 * {@link Knowhow#unavailable} what an evaluation must not fake: prompt-only without an LLM (the extractive
 * generator would abstain on every question) and full-context without a knowledge base.
 */
public final class KnowhowTarget implements EvalTarget {
    /** Folders of a knowledge base that hold models, not knowledge: left out of an update's copy. */
    private static final Set<String> MODEL_DIRS = Set.of("tuned", "classifiers", "extractors", "embedders");

    private final Knowhow kb;
    private final Reader reader;
    private List<String> stored;
    private GroundingVerifier verifier;

    public KnowhowTarget(Knowhow kb, Reader reader) {
        this.kb = kb;
        this.reader = reader;
    }

    public Knowhow knowhow() {
        return kb;
    }

    public boolean llmConfigured() {
        return !kb.generator().name().equals("extractive");
    }

    @Override
    public Optional<String> unavailable(Strategy strategy) {
        Optional<String> why = kb.unavailable(strategy);
        if (why.isPresent()) return why;
        if (strategy == Strategy.PROMPT_ONLY && !llmConfigured())
            return Optional.of("no LLM configured (llm.base-url, llm.model): without one the extractive generator only quotes "
                    + "evidence, and prompt-only gives it none");
        if (strategy == Strategy.FULL_CONTEXT && !kb.exists())
            return Optional.of("no knowledge base yet: run `knowhow ingest` first");
        return Optional.empty();
    }

    @Override
    public String generatorName(Strategy strategy) {
        if (strategy.usesTunedModel())
            return "local:" + TunedSettings.fromConfig(kb.config()).model().map(p -> p.getFileName().toString()).orElse("?");
        return kb.generator().name();
    }

    @Override
    public Answer ask(String question, Strategy strategy) {
        return kb.ask(question, AskRequest.by(reader).withStrategy(strategy));
    }

    @Override
    public List<String> rankedSources(String question, int k) {
        List<Hit> hits = kb.search(question, k, AskSettings.fromConfig(kb.config()).mode(), Filter.readableBy(reader));
        return List.copyOf(new LinkedHashSet<>(hits.stream().map(h -> h.chunk().source()).toList()));
    }

    @Override
    public synchronized List<String> storedSources() {
        if (stored == null) stored = kb.exists() ? kb.sources(reader).stream().map(SourceRecord::source).toList() : List.of();
        return stored;
    }

    @Override
    public Grounding groundWithoutEvidence(String answerText, String question, Set<String> sources) {
        List<Hit> evidence = new ArrayList<>();
        if (!sources.isEmpty()) {
            for (String s : sources) for (Chunk c : kb.chunks(s, reader)) evidence.add(new Hit(c, 1.0));
        } else if (kb.exists()) {
            evidence.addAll(kb.search(question, AskSettings.fromConfig(kb.config()).k(), AskSettings.fromConfig(kb.config()).mode(),
                    Filter.readableBy(reader)));
        }
        synchronized (this) {
            if (verifier == null) verifier = new GroundingVerifier(kb.embedder());
        }
        return verifier.verify(answerText, evidence);
    }

    /** recall@k's cut-off: the knowledge base's {@code ask.k}. */
    public int askK() {
        return AskSettings.fromConfig(kb.config()).k();
    }

    // ---- the update experiment

    /**
     * A copy of this knowledge base (its config and index; model folders are referenced, not copied) into which
     * {@code updateDir} is ingested: each file replaces the stored sources whose path ends with its name
     * relative to {@code updateDir} (or its file name), the others are added.
     */
    public UpdateSandbox sandbox(Path updateDir) {
        if (!Files.isDirectory(updateDir)) throw new IllegalArgumentException("--update " + updateDir + " is not a directory");
        String kind = kb.config().get(ConfigKeys.STORE_KIND).orElse("lucene");
        if (!kind.equals("lucene"))
            throw new IllegalArgumentException("--update copies the knowledge base to leave it untouched, which works for the embedded "
                    + "lucene store only (store.kind is " + kind + ")");
        Path copy;
        try {
            copy = Files.createTempDirectory("knowhow-eval-update-");
            copyTree(kb.directory(), copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the knowledge base for --update: " + e.getMessage(), e);
        }
        Knowhow twin = Knowhow.builder(copy).environment(kb.config().environment()).build();
        KnowhowTarget twinTarget = new KnowhowTarget(twin, reader);
        return new UpdateSandbox() {
            private String description = "not applied";

            @Override
            public EvalTarget target() {
                return twinTarget;
            }

            @Override
            public double applyUpdate() {
                List<Path> files;
                try (Stream<Path> s = Files.walk(updateDir)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list --update " + updateDir + ": " + e.getMessage(), e);
                }
                List<String> storedNow = twin.sources(Reader.unrestricted()).stream().map(SourceRecord::source).toList();
                List<String> replace = new ArrayList<>();
                List<String> replaced = new ArrayList<>(), added = new ArrayList<>();
                for (Path f : files) {
                    String rel = updateDir.relativize(f).toString();
                    Set<String> hit = SourceMatch.resolve(storedNow, List.of(rel));
                    if (hit.isEmpty()) hit = SourceMatch.resolve(storedNow, List.of(f.getFileName().toString()));
                    replace.addAll(hit);
                    (hit.isEmpty() ? added : replaced).add(rel);
                }
                long t0 = System.nanoTime();
                if (!replace.isEmpty()) twin.delete(replace);
                twin.ingest(IngestRequest.of(updateDir), IngestListener.NONE);
                double seconds = (System.nanoTime() - t0) / 1e9;
                twinTarget.stored = null;
                description = (replaced.isEmpty() ? "" : "replaced " + String.join(", ", replaced))
                        + (replaced.isEmpty() || added.isEmpty() ? "" : "; ")
                        + (added.isEmpty() ? "" : "added " + String.join(", ", added))
                        + " (in a copy of the knowledge base; yours is unchanged)";
                return seconds;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public void close() {
                twin.close();
                deleteTree(copy);
            }
        };
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (rel.getNameCount() > 0 && MODEL_DIRS.contains(rel.getName(0).toString())) continue;
                if (rel.toString().endsWith("write.lock")) continue;
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary copy is harmless
        }
    }

    // ---- the tuned model's run log

    /** The run log beside the tuned model or adapter, read; empty when there is none. */
    public Optional<TunedRun> tunedRun() {
        TunedSettings t = TunedSettings.fromConfig(kb.config());
        List<Path> candidates = new ArrayList<>();
        for (Optional<Path> dir : List.of(t.adapter(), t.model()))
            dir.ifPresent(d -> {
                candidates.add(d.resolve("run-log.jsonl"));
                if (d.getParent() != null) candidates.add(d.getParent().resolve("run-log.jsonl"));
            });
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(KnowhowTarget::readRunLog);
    }

    /** Reads a run log: {"type":"step","step","loss","elapsed_s"} and {"type":"eval","step","val_loss"} lines. */
    public static TunedRun readRunLog(Path file) {
        ObjectMapper json = new ObjectMapper();
        List<double[]> steps = new ArrayList<>(), val = new ArrayList<>();
        Double elapsed = null, before = null, after = null;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (IOException torn) {
                    break; // a line torn by a crash ends the usable log
                }
                String type = n.path("type").asText();
                if (type.equals("step") && n.has("loss")) steps.add(new double[]{n.path("step").asDouble(), n.path("loss").asDouble()});
                if (type.equals("eval") && n.has("val_loss")) val.add(new double[]{n.path("step").asDouble(), n.path("val_loss").asDouble()});
                if (type.equals("forgetting")) { // the base model's loss once, then one per artifact written: the last is the delivered one
                    before = before == null && n.has("before") ? Double.valueOf(n.get("before").asDouble()) : before;
                    after = n.has("after") ? Double.valueOf(n.get("after").asDouble()) : after;
                }
                if (n.has("elapsed_s")) elapsed = n.get("elapsed_s").asDouble();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run log " + file + ": " + e.getMessage(), e);
        }
        Forgetting f = before != null && after != null
                ? new Forgetting(true, before, after, file.toString())
                : new Forgetting(false, null, null, "the run log records no general-set loss before and after tuning (a run interrupted before its first artifact, or one made before forgetting was logged); for the bundled "
                + "encoder see docs/benchmarks.md (SQuAD recall@5 0.848 → 0.806 LoRA, 0.807 full)");
        return new TunedRun(file.toString(), elapsed, steps, val, f);
    }
}
