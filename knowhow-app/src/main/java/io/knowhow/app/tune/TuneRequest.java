package io.knowhow.app.tune;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fine-tuning run to do. Options a task does not use are ignored; an empty optional takes the task's
 * default (chosen from measurements, see docs/benchmarks.md).
 *
 * @param task             what to train
 * @param data             the training data (JSONL, or CSV for classify, Restaurant-8k-style JSON for extract)
 * @param base             generate: the base model directory (Hugging Face layout)
 * @param method           generate: lora or full; classify/extract: frozen, lora or full; embed: lora or full
 * @param output           where the result goes; default under the knowledge base
 * @param epochs           passes over the data
 * @param learningRate     peak learning rate
 * @param batchSize        examples per step
 * @param rank             LoRA rank
 * @param alpha            LoRA alpha
 * @param dropout          LoRA dropout
 * @param targets          LoRA target modules (generate)
 * @param gradAccumulation batches per optimizer step (generate)
 * @param maxSeqLen        longest example in tokens (generate); longer ones are cut
 * @param valFraction      share of examples held out for validation (generate)
 * @param patience         validations without improvement before stopping (generate)
 * @param checkpointEvery  steps between checkpoints
 * @param seed             random seed (data order, initialisation, dropout)
 * @param merge            generate with lora: also write base + adapter as one model
 * @param resume           continue from the checkpoint in the output directory
 * @param activate         make the result the one the knowledge base uses (sets its config keys)
 * @param slots            extract: the output schema in order; empty for the slots found in the data
 * @param generalSet       decoder tasks: examples outside the task, scored before and after training (forgetting); empty for the bundled set
 */
public record TuneRequest(TuneTask task, Path data, Optional<Path> base, Optional<String> method, Optional<Path> output,
                          Optional<Integer> epochs, Optional<Double> learningRate, Optional<Integer> batchSize,
                          int rank, double alpha, double dropout, List<String> targets, int gradAccumulation, int maxSeqLen,
                          double valFraction, int patience, int checkpointEvery, long seed, boolean merge, boolean resume,
                          boolean activate, List<String> slots, Optional<Path> generalSet) {
    public TuneRequest {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(data, "data");
        targets = List.copyOf(targets == null ? List.of() : targets);
        slots = List.copyOf(slots == null ? List.of() : slots);
        generalSet = generalSet == null ? Optional.empty() : generalSet;
        if (epochs.isPresent() && epochs.get() < 1) throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs.get());
        if (batchSize.isPresent() && batchSize.get() < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize.get());
        if (learningRate.isPresent() && !(learningRate.get() > 0)) throw new IllegalArgumentException("--lr must be positive, got " + learningRate.get());
        if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every must be 0 (only at the end and on Ctrl-C) or more, got " + checkpointEvery);
    }

    /** A request with every default, to adjust with the builder. */
    public static Builder builder(TuneTask task, Path data) {
        return new Builder(task, data);
    }

    /** Collects a request's options. */
    public static final class Builder {
        private final TuneTask task;
        private final Path data;
        private Path base;
        private String method;
        private Path output;
        private Integer epochs;
        private Double learningRate;
        private Integer batchSize;
        private int rank = 8;
        private double alpha = 16;
        private double dropout = 0.05;
        private List<String> targets = List.of();
        private int gradAccumulation = 1;
        private int maxSeqLen = 512;
        private double valFraction = 0.1;
        private int patience = 2;
        private int checkpointEvery = 50;
        private long seed = 42;
        private boolean merge;
        private boolean resume;
        private boolean activate = true;
        private List<String> slots = List.of();
        private Path generalSet;

        private Builder(TuneTask task, Path data) {
            this.task = task;
            this.data = data;
        }

        public Builder base(Path v) { base = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder output(Path v) { output = v; return this; }
        public Builder epochs(Integer v) { epochs = v; return this; }
        public Builder learningRate(Double v) { learningRate = v; return this; }
        public Builder batchSize(Integer v) { batchSize = v; return this; }
        public Builder rank(int v) { rank = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder targets(List<String> v) { targets = v == null ? List.of() : v; return this; }
        public Builder gradAccumulation(int v) { gradAccumulation = v; return this; }
        public Builder maxSeqLen(int v) { maxSeqLen = v; return this; }
        public Builder valFraction(double v) { valFraction = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder merge(boolean v) { merge = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder activate(boolean v) { activate = v; return this; }
        public Builder slots(List<String> v) { slots = v == null ? List.of() : v; return this; }
        /** Decoder tasks: the examples scored before and after training to measure forgetting (null: the bundled set). */
        public Builder generalSet(Path v) { generalSet = v; return this; }

        public TuneRequest build() {
            return new TuneRequest(task, data, Optional.ofNullable(base), Optional.ofNullable(method), Optional.ofNullable(output),
                    Optional.ofNullable(epochs), Optional.ofNullable(learningRate), Optional.ofNullable(batchSize), rank, alpha,
                    dropout, targets, gradAccumulation, maxSeqLen, valFraction, patience, checkpointEvery, seed, merge, resume,
                    activate, slots, Optional.ofNullable(generalSet));
        }
    }
}
