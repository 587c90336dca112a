package io.knowhow.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.model.LoraConfig;
import io.knowhow.tune.model.Projection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of one fine-tuning run, validated on construction with messages written for the person who
 * typed them. Build with {@link #builder(Path)}, which fills in the defaults.
 *
 * @param method                LoRA adapter or full fine-tuning
 * @param rank                  LoRA rank r (LoRA only)
 * @param alpha                 LoRA alpha; updates are scaled by alpha / r (LoRA only)
 * @param dropout               LoRA dropout on the adapter input (LoRA only)
 * @param targetModules         projections that get an adapter, as module names (q_proj, ..., down_proj)
 * @param epochs                passes over the training set
 * @param learningRate          peak learning rate
 * @param batchSize             sequences per forward pass
 * @param gradAccumulation      forward passes per optimizer step
 * @param maxSeqLen             longer examples are cut at the end (and counted)
 * @param warmupRatio           share of the steps spent warming the learning rate up
 * @param clip                  maximum global gradient norm; 0 turns clipping off
 * @param weightDecay           AdamW's decoupled weight decay
 * @param seed                  seeds adapter initialisation, the split, the order and dropout
 * @param valFraction           share of the examples held out for validation; 0 for none
 * @param checkpointEvery       write a checkpoint every this many steps; 0 only on interrupt
 * @param earlyStoppingPatience stop after this many epochs without a better validation loss; 0 never
 * @param output                directory for the adapter or model, checkpoints and run log
 * @param merge                 after LoRA training also write the base model with the adapter merged
 * @param resume                continue from the newest checkpoint in {@code output}
 */
public record TuneOptions(Method method, int rank, double alpha, double dropout, List<String> targetModules, int epochs,
                          double learningRate, int batchSize, int gradAccumulation, int maxSeqLen, double warmupRatio,
                          double clip, double weightDecay, long seed, double valFraction, int checkpointEvery,
                          int earlyStoppingPatience, Path output, boolean merge, boolean resume) {

    /** What is trained. */
    public enum Method {
        /** Low-rank adapters beside frozen weights; the output is a PEFT adapter. */
        LORA,
        /** Every weight; the output is a whole model. */
        FULL;

        /** "lora" or "full", in any case. */
        public static Method parse(String s) {
            for (Method m : values()) if (m.name().equalsIgnoreCase(s.strip())) return m;
            throw new IllegalArgumentException("unknown tuning method '" + s + "': use lora or full");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TuneOptions {
        if (method == null) throw new IllegalArgumentException("the tuning method is required: lora or full");
        if (rank < 1 || rank > 1024) throw new IllegalArgumentException("LoRA rank must be between 1 and 1024, got " + rank);
        if (!(alpha > 0)) throw new IllegalArgumentException("LoRA alpha must be a positive number, got " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be at least 0 and below 1, got " + dropout);
        if (targetModules == null || targetModules.isEmpty())
            throw new IllegalArgumentException("name at least one target module for LoRA, e.g. q_proj,v_proj");
        List<String> normalised = new ArrayList<>();
        for (String t : targetModules) {
            String name = Projection.parse(t).moduleName();
            if (!normalised.contains(name)) normalised.add(name);
        }
        targetModules = List.copyOf(normalised);
        if (epochs < 1 || epochs > 10_000) throw new IllegalArgumentException("epochs must be between 1 and 10000, got " + epochs);
        if (!(learningRate > 0 && learningRate <= 1))
            throw new IllegalArgumentException("the learning rate must be above 0 and at most 1 (LoRA usually 1e-4 to 3e-4, full 1e-5 to 5e-5), got " + learningRate);
        if (batchSize < 1 || batchSize > 4096) throw new IllegalArgumentException("batch size must be between 1 and 4096, got " + batchSize);
        if (gradAccumulation < 1 || gradAccumulation > 4096)
            throw new IllegalArgumentException("gradient accumulation steps must be between 1 and 4096, got " + gradAccumulation);
        if (maxSeqLen < 8) throw new IllegalArgumentException("the maximum sequence length must be at least 8 tokens, got " + maxSeqLen);
        if (!(warmupRatio >= 0 && warmupRatio < 1)) throw new IllegalArgumentException("the warm-up ratio must be at least 0 and below 1, got " + warmupRatio);
        if (!(clip >= 0)) throw new IllegalArgumentException("the gradient clipping norm must be 0 (off) or positive, got " + clip);
        if (!(weightDecay >= 0 && weightDecay < 1)) throw new IllegalArgumentException("weight decay must be at least 0 and below 1, got " + weightDecay);
        if (!(valFraction >= 0 && valFraction <= 0.5))
            throw new IllegalArgumentException("the validation fraction must be between 0 and 0.5, got " + valFraction);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be 0 (only on interrupt) or a number of steps, got " + checkpointEvery);
        if (earlyStoppingPatience < 0) throw new IllegalArgumentException("early-stopping patience must be 0 (off) or a number of epochs, got " + earlyStoppingPatience);
        if (earlyStoppingPatience > 0 && valFraction == 0)
            throw new IllegalArgumentException("early stopping needs a validation set: set a validation fraction above 0, or patience 0");
        Objects.requireNonNull(output, "an output directory is required");
        if (merge && method == Method.FULL)
            throw new IllegalArgumentException("merge applies to LoRA only: full fine-tuning already writes a whole model");
    }

    /** Defaults for a LoRA run writing to {@code output}; change what you need on the builder. */
    public static Builder builder(Path output) {
        return new Builder(output);
    }

    /** The LoRA settings of these options, for a base model at {@code baseModel}. */
    public LoraConfig loraConfig(String baseModel) {
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        targetModules.forEach(t -> targets.add(Projection.parse(t)));
        return new LoraConfig(rank, alpha, dropout, targets, false, baseModel);
    }

    /**
     * The settings that shape the loss curve, which a resumed run must share with the run it continues
     * (output, checkpoint interval, patience, merge and resume may differ).
     */
    public ObjectNode fingerprint() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("method", method.label()).put("learning_rate", learningRate).put("epochs", epochs).put("batch_size", batchSize)
                .put("grad_accumulation", gradAccumulation).put("max_seq_len", maxSeqLen).put("warmup_ratio", warmupRatio)
                .put("clip", clip).put("weight_decay", weightDecay).put("seed", seed).put("val_fraction", valFraction);
        if (method == Method.LORA) {
            n.put("rank", rank).put("alpha", alpha).put("dropout", dropout);
            n.putArray("target_modules").addAll(targetModules.stream().map(n::textNode).toList());
        }
        return n;
    }

    /** Builds {@link TuneOptions}; defaults as in {@link #builder(Path)}. */
    public static final class Builder {
        private Method method = Method.LORA;
        private int rank = 8;
        private double alpha = 16;
        private double dropout = 0.05;
        private List<String> targetModules = LoraConfig.DEFAULT_TARGETS.stream().sorted().map(Projection::moduleName).toList();
        private int epochs = 3;
        private Double learningRate;
        private int batchSize = 4;
        private int gradAccumulation = 1;
        private int maxSeqLen = 512;
        private double warmupRatio = 0.03;
        private double clip = 1.0;
        private double weightDecay = 0.0;
        private long seed = 42;
        private double valFraction = 0.1;
        private int checkpointEvery = 100;
        private int earlyStoppingPatience = 0;
        private Path output;
        private boolean merge;
        private boolean resume;

        private Builder(Path output) {
            this.output = output;
        }

        public Builder method(Method v) { this.method = v; return this; }
        public Builder rank(int v) { this.rank = v; return this; }
        public Builder alpha(double v) { this.alpha = v; return this; }
        public Builder dropout(double v) { this.dropout = v; return this; }
        public Builder targetModules(List<String> v) { this.targetModules = v; return this; }
        public Builder epochs(int v) { this.epochs = v; return this; }
        /** Peak learning rate; defaults to 2e-4 for LoRA and 2e-5 for full fine-tuning. */
        public Builder learningRate(double v) { this.learningRate = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder gradAccumulation(int v) { this.gradAccumulation = v; return this; }
        public Builder maxSeqLen(int v) { this.maxSeqLen = v; return this; }
        public Builder warmupRatio(double v) { this.warmupRatio = v; return this; }
        public Builder clip(double v) { this.clip = v; return this; }
        public Builder weightDecay(double v) { this.weightDecay = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder valFraction(double v) { this.valFraction = v; return this; }
        public Builder checkpointEvery(int v) { this.checkpointEvery = v; return this; }
        public Builder earlyStoppingPatience(int v) { this.earlyStoppingPatience = v; return this; }
        public Builder output(Path v) { this.output = v; return this; }
        public Builder merge(boolean v) { this.merge = v; return this; }
        public Builder resume(boolean v) { this.resume = v; return this; }

        /** @throws IllegalArgumentException with a user-facing message when a setting is out of range */
        public TuneOptions build() {
            double lr = learningRate != null ? learningRate : method == Method.FULL ? 2e-5 : 2e-4;
            return new TuneOptions(method, rank, alpha, dropout, targetModules, epochs, lr, batchSize, gradAccumulation, maxSeqLen,
                    warmupRatio, clip, weightDecay, seed, valFraction, checkpointEvery, earlyStoppingPatience, output, merge, resume);
        }
    }
}
