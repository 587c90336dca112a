package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.app.tune.TrainingListener;
import io.knowhow.app.tune.TuneOutcome;
import io.knowhow.app.tune.TuneRequest;
import io.knowhow.app.tune.TuneTask;
import io.knowhow.app.tune.Tuning;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code knowhow tune DATA}: fine-tuning for behaviour, format and style; the result becomes the knowledge base's. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model for behaviour, format and style (LoRA or full). Facts belong in the knowledge base (ingest).",
                "  --task generate  a local Hugging Face decoder (--base DIR: config.json, tokenizer.json, *.safetensors; Llama, Qwen2,",
                "                   SmolLM, Mistral) on JSONL: {\"input\": .., \"output\": ..} or {\"messages\": [{role, content}, ...]} per line",
                "  --task classify  the bundled encoder + a label head, on .csv (text,label columns) or .jsonl {\"text\", \"label\"}",
                "  --task extract   slot filling into a fixed JSON schema, on Restaurant-8k-style .json (text + labelled spans)",
                "  --task embed     retrieval adaptation on .jsonl {\"query\", \"passage\"}; then `knowhow reindex`",
                "On success the result is activated (see --no-activate). Ctrl-C writes a checkpoint; run again with --resume."})
final class TuneCommand extends KbCommand {
    @Parameters(paramLabel = "DATA", description = "the training data (format by --task, above)")
    Path data;

    @Option(names = "--task", defaultValue = "generate", paramLabel = "TASK", description = "generate (default), classify, extract or embed")
    String task;

    @Option(names = "--method", paramLabel = "M",
            description = "generate and embed: lora (default) or full; classify: frozen (default: head only), lora or full; extract: lora (default), frozen or full")
    String method;

    @Option(names = "--output", paramLabel = "DIR", description = "where the result goes (default: KB/tuned|classifiers|extractors|embedders/DATA-METHOD)")
    Path output;

    @ArgGroup(exclusive = false, heading = "%nTraining (every task; defaults are the task's own, chosen from measurements):%n")
    Training training = new Training();

    @ArgGroup(exclusive = false, heading = "%nLoRA (generate):%n")
    Lora lora = new Lora();

    @ArgGroup(exclusive = false, heading = "%nDecoder fine-tuning (generate):%n")
    Decoder decoder = new Decoder();

    @Option(names = "--slots", split = ",", paramLabel = "NAME", description = "extract: the output schema, in order (default: the slot names found in the data)")
    List<String> slots;

    @Option(names = "--resume", description = "continue from the checkpoint in the output directory")
    boolean resume;

    @Option(names = "--no-activate", description = "do not make the result the one the knowledge base uses")
    boolean noActivate;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    static final class Training {
        @Option(names = "--epochs", paramLabel = "N", description = "passes over the data (default: generate 3, classify/extract/embed by task)")
        Integer epochs;
        @Option(names = "--lr", paramLabel = "RATE", description = "peak learning rate (default: 2e-4 LoRA, 2e-5 full; encoder tasks their own)")
        Double lr;
        @Option(names = "--batch-size", paramLabel = "N", description = "examples per step (default: generate 4, encoder tasks their own)")
        Integer batchSize;
        @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "50", description = "steps between checkpoints, 0 for none but the last (default ${DEFAULT-VALUE})")
        int checkpointEvery = 50;
        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "random seed for data order, initialisation and dropout (default ${DEFAULT-VALUE})")
        long seed = 42;
    }

    static final class Lora {
        @Option(names = "--rank", paramLabel = "R", defaultValue = "8", description = "LoRA rank (default ${DEFAULT-VALUE})")
        int rank = 8;
        @Option(names = "--alpha", paramLabel = "A", defaultValue = "16", description = "LoRA alpha: updates are scaled by alpha/rank (default ${DEFAULT-VALUE})")
        double alpha = 16;
        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.05", description = "LoRA dropout (default ${DEFAULT-VALUE})")
        double dropout = 0.05;
        @Option(names = "--targets", split = ",", paramLabel = "M", description = "LoRA target modules (default q,k,v,o)")
        List<String> targets;
    }

    static final class Decoder {
        @Option(names = "--base", paramLabel = "DIR", description = "base model directory (required for generate)")
        Path base;
        @Option(names = "--grad-accumulation", paramLabel = "N", defaultValue = "1", description = "batches per optimizer step (default ${DEFAULT-VALUE})")
        int gradAccumulation = 1;
        @Option(names = "--max-seq-len", paramLabel = "TOKENS", defaultValue = "512", description = "longest example; longer ones are cut and counted (default ${DEFAULT-VALUE})")
        int maxSeqLen = 512;
        @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1", description = "share of examples held out for validation, 0 for none (default ${DEFAULT-VALUE})")
        double valFraction = 0.1;
        @Option(names = "--patience", paramLabel = "N", defaultValue = "2", description = "validations without improvement before stopping early (default ${DEFAULT-VALUE})")
        int patience = 2;
        @Option(names = "--merge", description = "LoRA: also write base + adapter as one model directory")
        boolean merge;
        @Option(names = "--general-set", paramLabel = "FILE",
                description = "examples outside the task (same JSONL formats) whose loss is logged before and after training, to measure forgetting (default: 24 bundled everyday questions)")
        Path generalSet;
    }

    @Override
    int run(Knowhow kb) {
        TuneTask t;
        try {
            t = TuneTask.parse(task);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--task: " + e.getMessage());
        }
        TuneRequest request = TuneRequest.builder(t, data).base(decoder.base).method(method).output(output)
                .epochs(training.epochs).learningRate(training.lr).batchSize(training.batchSize)
                .checkpointEvery(training.checkpointEvery).seed(training.seed)
                .rank(lora.rank).alpha(lora.alpha).dropout(lora.dropout).targets(lora.targets)
                .gradAccumulation(decoder.gradAccumulation).maxSeqLen(decoder.maxSeqLen).valFraction(decoder.valFraction)
                .patience(decoder.patience).merge(decoder.merge).generalSet(decoder.generalSet)
                .slots(slots).resume(resume).activate(!noActivate).build();
        Tuning tuning = kb.tuning();
        TuneOutcome outcome;
        try (Bar bar = new Bar(!json && System.console() != null); CancelOnShutdown cancel = new CancelOnShutdown(tuning::cancel)) {
            outcome = tuning.run(request, bar);
        }
        if (json) out().println(JsonViews.pretty(JsonViews.tune(outcome)));
        else print(outcome);
        return outcome.interrupted() ? 130 : 0;
    }

    private void print(TuneOutcome r) {
        if (r.interrupted()) {
            err().printf("interrupted at step %d of %d; a checkpoint was written%s. Run the same command with --resume to continue.%n",
                    r.steps(), r.totalSteps(), r.lastCheckpoint().map(c -> " (" + c + ")").orElse(""));
            return;
        }
        String loss = Double.isFinite(r.finalLoss()) ? String.format(Locale.ROOT, ", final loss %.4f", r.finalLoss()) : "";
        String best = r.bestValidationLoss().isPresent() ? String.format(Locale.ROOT, ", best validation loss %.4f", r.bestValidationLoss().getAsDouble()) : "";
        out().printf("%s (%s) trained on %d examples: %d/%d steps in %.1f s%s%s%n", r.task().label(), r.method(), r.examples(), r.steps(),
                r.totalSteps(), r.elapsed().toMillis() / 1000.0, loss, best);
        if (r.task() == TuneTask.GENERATE)
            out().printf("examples: %d train, %d validation, %d truncated to %d tokens%s%n", r.examples(), r.validationExamples(),
                    r.truncatedExamples(), r.maxSeqLen(), r.stoppedEarly() ? "; stopped early (validation loss stopped improving)" : "");
        if (!r.slots().isEmpty()) out().println("slots: " + r.slots());
        r.forgetting().ifPresent(f -> out().printf(Locale.ROOT, "forgetting: general-set loss %.4f -> %.4f (%+.1f%%; %s)%n",
                f.before(), f.after(), f.changePercent(), f.generalSet()));
        r.artifact().ifPresent(a -> out().println("artifact: " + a));
        r.merged().ifPresent(a -> out().println("merged model: " + a));
        out().println("run log: " + r.runLog());
        if (r.activated().isEmpty()) return;
        out().println("activated: " + String.join(", ", r.activated()));
        out().println(switch (r.task()) {
            case GENERATE -> "Now: knowhow ask \"...\" --strategy tuned   (or --strategy tuned-rag to add retrieved evidence)";
            case CLASSIFY -> "Now: knowhow classify \"some text\"";
            case EXTRACT -> "Now: knowhow extract \"some text\" --json";
            case EMBED -> "Now: knowhow reindex   (re-embeds the knowledge base with it; queries are refused until then)";
        });
    }

    /** Steps, loss, tokens/s and ETA on a terminal bar. */
    private static final class Bar implements TrainingListener, AutoCloseable {
        private final boolean enabled;
        private ProgressBar bar;

        Bar(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public void started(int totalSteps, int startStep) {
            if (enabled) bar = new ProgressBarBuilder().setTaskName("Tuning").setInitialMax(Math.max(1, totalSteps))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).continuousUpdate().build();
            if (bar != null) bar.stepTo(startStep);
        }

        @Override
        public void stepped(int step, int totalSteps, double loss, double tokensPerSecond) {
            if (bar == null) return;
            bar.stepTo(step);
            bar.setExtraMessage(Double.isFinite(tokensPerSecond)
                    ? String.format(Locale.ROOT, "loss %.4f  %.0f tok/s", loss, tokensPerSecond)
                    : String.format(Locale.ROOT, "loss %.4f", loss));
        }

        @Override
        public void evaluated(int epoch, int step, double validationLoss) {
            if (bar != null) bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d val loss %.4f", epoch, validationLoss));
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
        }
    }
}
