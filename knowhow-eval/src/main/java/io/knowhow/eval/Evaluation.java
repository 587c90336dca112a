package io.knowhow.eval;

import io.knowhow.app.Knowhow;
import io.knowhow.app.config.ConfigKey;
import io.knowhow.app.config.ConfigKeys;
import io.knowhow.app.config.KnowhowConfig;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.prompt.CharRatioTokenCounter;
import io.knowhow.core.prompt.PromptBuilder;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.advise.AdviseInput;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.Advisor;
import io.knowhow.eval.advise.ChangeFrequency;
import io.knowhow.eval.advise.ChangeHistory;
import io.knowhow.eval.advise.CorpusSize;
import io.knowhow.eval.advise.CostAssumptions;
import io.knowhow.eval.advise.CostInputs;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Finding;
import io.knowhow.eval.advise.Price;
import io.knowhow.eval.compare.CompareRequest;
import io.knowhow.eval.compare.Comparison;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.KnowhowTarget;
import io.knowhow.eval.compare.StrategyReport;
import io.knowhow.eval.metrics.Sample;
import io.knowhow.eval.qa.Pairs;
import io.knowhow.eval.qa.QaCase;
import io.knowhow.eval.qa.QaFile;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The evaluation side of knowhow over one knowledge base: {@link #compare} ({@code knowhow eval compare}),
 * {@link #advise} ({@code knowhow advise}) and {@link #estimate} ({@code eval compare --dry-run}). Front ends call
 * these; everything they measure comes through {@link Knowhow}'s public API.
 */
public final class Evaluation {
    private final Knowhow kb;
    private final Reader reader;
    private final KnowhowTarget target;
    private ChangeHistory history;

    public Evaluation(Knowhow kb, Reader reader) {
        this.kb = kb;
        this.reader = reader;
        this.target = new KnowhowTarget(kb, reader);
    }

    /**
     * Uses the store's change log instead of last-ingest times to measure how often knowledge changes: the
     * integrator's hook for {@code SourceCatalog.changes()}.
     */
    public Evaluation withHistory(ChangeHistory h) {
        this.history = h;
        return this;
    }

    public KnowhowTarget target() {
        return target;
    }

    // ---- eval compare

    /** Runs the comparison; the user's knowledge base is only read (an update goes into a copy). */
    public ComparisonReport compare(CompareRequest request, Comparison.Progress progress) {
        Comparison c = new Comparison(target, target.askK(), target.tunedRun(),
                () -> target.sandbox(request.update().orElseThrow()));
        return c.run(request, progress);
    }

    /**
     * What a comparison would cost before anything is called.
     *
     * @param strategy        the label
     * @param available       whether it would run
     * @param reason          why not
     * @param promptTokens    estimated prompt tokens a model would read for the whole QA set (× repeat)
     * @param completionTokens estimated completion tokens at most (llm.max-tokens per answer)
     * @param cost            estimated cost at the configured prices
     * @param modelRuns       whether a model reads them here; false for the extractive generator, which spends no tokens
     */
    public record Estimate(String strategy, boolean available, String reason, long promptTokens, long completionTokens, double cost,
                           boolean modelRuns) {}

    public List<Estimate> estimate(CompareRequest request) {
        var counter = kb.tokenCounter();
        boolean llm = target.llmConfigured();
        long system = counter.count(PromptBuilder.DEFAULT_SYSTEM_PROMPT + PromptBuilder.EVIDENCE_RULES);
        long questions = 0;
        List<QaCase> all = new ArrayList<>(request.cases());
        all.addAll(request.updateQa());
        for (QaCase c : all) questions += counter.count(c.question()) + system;
        CorpusSize corpus = kb.exists() ? corpus(reader) : new CorpusSize(0, 0, 0, 0, "");
        int k = target.askK();
        double promptPrice = decimal(ConfigKeys.require("llm.price.prompt-per-1k")).orElse(0.0) / 1000;
        double completionPrice = decimal(ConfigKeys.require("llm.price.completion-per-1k")).orElse(0.0) / 1000;
        long maxTokens = decimal(ConfigKeys.require("llm.max-tokens")).map(Double::longValue).orElse(512L);
        List<Estimate> out = new ArrayList<>();
        for (Strategy s : request.selected()) {
            Optional<String> why = target.unavailable(s);
            if (why.isPresent()) {
                out.add(new Estimate(s.label(), false, why.get(), 0, 0, 0, false));
                continue;
            }
            boolean usesModel = s.usesTunedModel() || llm;
            long perRun = switch (s) {
                case RAG, TUNED_RAG -> questions + Math.round(all.size() * k * corpus.meanChunkTokens());
                case FULL_CONTEXT -> questions + all.size() * corpus.tokens();
                case PROMPT_ONLY, TUNED -> questions;
            };
            long prompt = perRun * request.repeat();
            long completion = all.size() * maxTokens * request.repeat();
            double cost = !usesModel || s.usesTunedModel() ? 0 : prompt * promptPrice + completion * completionPrice;
            out.add(new Estimate(s.label(), true, null, prompt, completion, cost, usesModel));
        }
        return out;
    }

    // ---- advise

    /**
     * The flags of {@code advise}; empty means "measure it, or say it is unknown".
     *
     * @param queriesPerMonth questions a month (else cost.queries-per-month)
     * @param pairs           labelled pairs to count and validate (step 3 measured)
     * @param qa              a QA set whose prompt-only score answers step 4
     * @param measureMachine  time this machine's embedding throughput and the knowledge base's retrieval latency
     */
    public record AdviseOptions(Optional<ChangeFrequency> changes, Optional<Boolean> cite, Optional<Boolean> fixedFormat,
                                Optional<Boolean> baselineWrong, Optional<Long> corpusTokens, Optional<Long> queriesPerMonth,
                                Optional<Path> pairs, Optional<Path> qa, boolean measureMachine, Instant now) {
        public static AdviseOptions measureAll() {
            return new AdviseOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), true, Instant.now());
        }
    }

    /** The advice, with the measurements it rests on. */
    public record AdviceReport(Advice advice, Optional<CorpusSize> corpus, Optional<ComparisonReport> baseline) {}

    public AdviceReport advise(AdviseOptions o) {
        AdviseInput in = AdviseInput.none();
        // step 1: how often knowledge changes
        if (o.changes().isPresent()) in = in.withChanges(Finding.given(o.changes().get(), "--changes " + o.changes().get().label()));
        else in = measureChanges(in, o.now());
        // step 2
        if (o.cite().isPresent()) in = in.withCite(Finding.given(o.cite().get(), "--cite " + (o.cite().get() ? "yes" : "no")));
        // step 3
        Optional<Pairs> pairs = o.pairs().map(Pairs::read);
        if (o.fixedFormat().isPresent()) in = in.withFixedFormat(Finding.given(o.fixedFormat().get(), "--fixed-format " + (o.fixedFormat().get() ? "yes" : "no")));
        else if (pairs.isPresent())
            in = in.withFixedFormat(Finding.measured(pairs.get().fixedFormat(), pairs.get().describe() + " in " + o.pairs().get().getFileName()));
        // step 4
        Optional<ComparisonReport> baseline = Optional.empty();
        if (o.baselineWrong().isPresent()) {
            in = in.withBaselineWrong(Finding.given(o.baselineWrong().get(), "--baseline-wrong " + (o.baselineWrong().get() ? "yes" : "no")));
        } else if (o.qa().isPresent()) {
            List<QaCase> cases = QaFile.read(o.qa().get());
            ComparisonReport r = compare(new CompareRequest(cases, List.of(Strategy.PROMPT_ONLY), 1, Optional.empty(), List.of()), Comparison.Progress.NONE);
            baseline = Optional.of(r);
            in = baselineFrom(in, r);
        }
        // step 5
        Optional<CorpusSize> corpus = Optional.empty();
        if (o.corpusTokens().isPresent()) in = in.withCorpusTokens(Finding.given(o.corpusTokens().get(), "--corpus-tokens"));
        else if (kb.exists()) {
            corpus = Optional.of(corpus(Reader.unrestricted()));
            in = in.withCorpusTokens(Finding.measured(corpus.get().tokens(), corpus.get().describe()));
        }
        CostModel.Table costs = costs(in, corpus, pairs, o.queriesPerMonth(), o.measureMachine());
        return new AdviceReport(Advisor.advise(in, costs), corpus, baseline);
    }

    /** The advice implied by a comparison's own measurements (corpus, history, the prompt-only baseline), for its report. */
    public Advice adviceFor(ComparisonReport report) {
        AdviseInput in = measureChanges(AdviseInput.none(), Instant.now());
        in = baselineFrom(in, report);
        Optional<CorpusSize> corpus = Optional.empty();
        if (kb.exists()) {
            corpus = Optional.of(corpus(Reader.unrestricted()));
            in = in.withCorpusTokens(Finding.measured(corpus.get().tokens(), corpus.get().describe()));
        }
        return Advisor.advise(in, costs(in, corpus, Optional.empty(), Optional.empty(), false));
    }

    private AdviseInput baselineFrom(AdviseInput in, ComparisonReport r) {
        Optional<StrategyReport> po = r.strategy(Strategy.PROMPT_ONLY.label());
        if (po.isEmpty()) return in;
        if (!po.get().available()) return in.withBaselineUnknown("prompt-only could not be measured: " + po.get().reason());
        Double acc = po.get().metrics().accuracy();
        if (acc == null) return in.withBaselineUnknown("prompt-only scored no question (" + po.get().metrics().unscoredReasons() + ")");
        double below = decimal(ConfigKeys.EVAL_BASELINE_WRONG_BELOW).orElse(0.5);
        return in.withBaselineWrong(Finding.measured(acc < below, String.format(Locale.ROOT,
                "prompt-only answered %.0f%% of %d questions right (wrong below %.0f%%, eval.baseline-wrong-below)",
                acc * 100, po.get().metrics().scored(), below * 100)));
    }

    private AdviseInput measureChanges(AdviseInput in, Instant now) {
        if (!kb.exists()) return in.withChangesUnknown("no knowledge base to measure (pass --changes)");
        // The store's own change log: every add, update and removal, written in the same commit as the change.
        ChangeHistory h = history != null ? history : ChangeHistory.of(kb.changes(Reader.unrestricted()), "the knowledge base's change log");
        Optional<ChangeFrequency.Measured> m = ChangeFrequency.measure(h, now);
        if (m.isEmpty())
            return in.withChangesUnknown(String.format(Locale.ROOT, "the knowledge base's history covers %.1f days, too short to measure a rate "
                    + "(at least %d; pass --changes)", ChangeFrequency.historyDays(h, now), ChangeFrequency.MIN_HISTORY.toDays()));
        ChangeFrequency.Measured c = m.get();
        return in.withChanges(Finding.measured(c.frequency(), String.format(Locale.ROOT, "%d days with changes in %.0f days of history = %.2f a month, from %s",
                c.changeDays(), c.historyDays(), c.perMonth(), c.basis())));
    }

    /** The corpus counted with the embedding model's tokenizer (the only tokenizer knowhow has for an HTTP LLM). */
    public CorpusSize corpus(Reader as) {
        List<SourceRecord> sources = kb.sources(as);
        String counter = "the embedding model's tokenizer (" + kb.config().text(ConfigKeys.EMBEDDER_MODEL) + ")"
                + (target.llmConfigured() ? "; the LLM (" + kb.generator().name() + ") is reached over HTTP and its tokenizer is not known here" : "");
        return CorpusSize.measure(sources, s -> kb.chunks(s, as), kb.tokenCounter(), counter);
    }

    /** The LLM-side estimate of the corpus (3 characters a token, the prompt planner's conservative count). */
    public long corpusCharEstimate(Reader as) {
        long n = 0;
        for (SourceRecord s : kb.sources(as)) for (Chunk c : kb.chunks(s.source(), as)) n += CharRatioTokenCounter.CONSERVATIVE.count(c.text());
        return n;
    }

    // ---- costs

    CostModel.Table costs(AdviseInput in, Optional<CorpusSize> corpus, Optional<Pairs> pairs, Optional<Long> queries, boolean measure) {
        KnowhowConfig c = kb.config();
        CostAssumptions a = assumptions(c);
        if (pairs.isPresent()) a = a.withLabelledPairs(Price.of(pairs.get().count(), pairs.get().count(), "measured", "--pairs file"));
        double cpuHour = a.cpuHour().value().low();
        if (measure && kb.exists() && corpus.isPresent() && corpus.get().chunks() > 0) {
            double tps = embeddingTokensPerSecond();
            if (tps > 0) {
                double perMillion = 1e6 / tps / 3600 * cpuHour;
                a = a.withEmbeddingPerMillion(Price.of(perMillion, perMillion, "measured", String.format(Locale.ROOT,
                        "%.0f tokens/s embedded on this machine × cost.cpu-hour %s", tps, cpuHour)));
            }
            double ms = retrievalMsP50();
            if (ms > 0) a = a.withRetrievalMs(Price.of(ms, ms, "measured", String.format(Locale.ROOT, "this knowledge base's retrieval p50 %.2f ms", ms)));
        }
        long corpusTokens = in.corpusTokens().map(Finding::value).orElse(0L);
        double chunkTokens = corpus.map(CorpusSize::meanChunkTokens).filter(t -> t > 0).orElse(200.0);
        double changes = in.changes().map(f -> f.value().changesPerMonth()).orElse(ChangeFrequency.MONTHLY.changesPerMonth());
        long q = queries.orElseGet(() -> (long) decimal(ConfigKeys.COST_QUERIES_PER_MONTH).orElse(10_000.0).doubleValue());
        int horizon = (int) decimal(ConfigKeys.COST_HORIZON_MONTHS).orElse(12.0).doubleValue();
        double questionTokens = kb.tokenCounter().count(PromptBuilder.DEFAULT_SYSTEM_PROMPT) + 30;
        String changesBasis = in.changes().map(f -> f.measured() ? "measured: " + f.value().label() : f.basis())
                .orElse("change rate unknown: monthly assumed");
        CostInputs inputs = new CostInputs(corpusTokens, changes, q, horizon, target.askK() * chunkTokens, questionTokens, changesBasis);
        return CostModel.table(inputs, a);
    }

    /** Prices from configuration: each {@code cost.*} key (the reference's figures by default). */
    public static CostAssumptions assumptions(KnowhowConfig c) {
        CostAssumptions d = CostAssumptions.defaults();
        Price prompt = range(c, ConfigKeys.COST_PROMPT_PER_MILLION_LOW, ConfigKeys.COST_PROMPT_PER_MILLION_HIGH, d.promptPerMillion());
        Optional<String> llmPrice = c.get(ConfigKeys.require("llm.price.prompt-per-1k"));
        if (llmPrice.isPresent()) {
            double perMillion = Double.parseDouble(llmPrice.get()) * 1000;
            prompt = Price.of(perMillion, perMillion, "config", "llm.price.prompt-per-1k " + llmPrice.get());
        }
        return new CostAssumptions(
                range(c, ConfigKeys.COST_FINE_TUNE_RUN_LOW, ConfigKeys.COST_FINE_TUNE_RUN_HIGH, d.fineTuneRun()),
                range(c, ConfigKeys.COST_LABELLED_PAIRS_LOW, ConfigKeys.COST_LABELLED_PAIRS_HIGH, d.labelledPairs()),
                range(c, ConfigKeys.COST_LABELLED_PAIR_PRICE_LOW, ConfigKeys.COST_LABELLED_PAIR_PRICE_HIGH, d.labelledPairPrice()),
                range(c, ConfigKeys.COST_EMBEDDING_PER_MILLION_LOW, ConfigKeys.COST_EMBEDDING_PER_MILLION_HIGH, d.embeddingPerMillion()),
                range(c, ConfigKeys.COST_VECTOR_DB_PER_MONTH_LOW, ConfigKeys.COST_VECTOR_DB_PER_MONTH_HIGH, d.vectorDbPerMonth()),
                range(c, ConfigKeys.COST_RETRIEVAL_MS_LOW, ConfigKeys.COST_RETRIEVAL_MS_HIGH, d.retrievalMs()),
                prompt,
                range(c, ConfigKeys.COST_CPU_HOUR, ConfigKeys.COST_CPU_HOUR, d.cpuHour()));
    }

    private static Price range(KnowhowConfig c, ConfigKey low, ConfigKey high, Price fallback) {
        boolean set = !c.origin(low).equals("default") || !c.origin(high).equals("default");
        double lo = Double.parseDouble(c.get(low).orElseThrow()), hi = Double.parseDouble(c.get(high).orElseThrow());
        if (lo > hi) throw new IllegalArgumentException(low.name() + " (" + lo + ") is above " + high.name() + " (" + hi + ")");
        return set ? Price.of(lo, hi, "config", low.name() + " / " + high.name()) : new Price(new io.knowhow.eval.advise.Range(lo, hi), fallback.basis(), fallback.note());
    }

    private Optional<Double> decimal(ConfigKey key) {
        return kb.config().get(key).map(Double::parseDouble);
    }

    /** Embeds up to 64 stored chunks (after a warm-up) and returns tokens per second. */
    private double embeddingTokensPerSecond() {
        List<Chunk> sample = new ArrayList<>();
        for (SourceRecord s : kb.sources(Reader.unrestricted())) {
            for (Chunk c : kb.chunks(s.source(), Reader.unrestricted())) {
                if (sample.size() >= 64) break;
                sample.add(c);
            }
            if (sample.size() >= 64) break;
        }
        if (sample.isEmpty()) return 0;
        List<String> texts = sample.stream().map(Chunk::text).toList();
        kb.embedder().embedAll(texts.subList(0, Math.min(4, texts.size())));
        long t0 = System.nanoTime();
        kb.embedder().embedAll(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = sample.stream().mapToLong(Chunk::tokenCount).sum();
        return seconds > 0 ? tokens / seconds : 0;
    }

    /** Median time of a hybrid search (query embedding included) for 20 queries made of stored chunks' first words. */
    private double retrievalMsP50() {
        List<String> queries = new ArrayList<>();
        for (SourceRecord s : kb.sources(reader)) {
            for (Chunk c : kb.chunks(s.source(), reader)) {
                String[] words = c.text().split("\\s+");
                queries.add(String.join(" ", java.util.Arrays.copyOf(words, Math.min(8, words.length))));
                if (queries.size() >= 20) break;
            }
            if (queries.size() >= 20) break;
        }
        if (queries.isEmpty()) return 0;
        var mode = io.knowhow.app.config.AskSettings.fromConfig(kb.config()).mode();
        int k = target.askK();
        for (int i = 0; i < Math.min(3, queries.size()); i++) kb.search(queries.get(i), k, mode, Filter.readableBy(reader));
        double[] ms = new double[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long t0 = System.nanoTime();
            kb.search(queries.get(i), k, mode, Filter.readableBy(reader));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return Sample.round(Sample.percentile(ms, 50), 2);
    }
}
