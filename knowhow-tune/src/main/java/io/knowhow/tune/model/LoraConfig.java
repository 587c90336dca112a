package io.knowhow.tune.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The shape of a LoRA adapter, as PEFT's {@code adapter_config.json} records it.
 *
 * @param rank          r, the inner width of each low-rank update
 * @param alpha         lora_alpha; updates are scaled by {@code alpha / r} (or {@code alpha / sqrt(r)}
 *                      with rsLoRA)
 * @param dropout       lora_dropout, applied to the adapter's input during training only
 * @param targets       the projections that carry an adapter
 * @param useRsLora     PEFT's use_rslora
 * @param baseModel     base_model_name_or_path: where the base model came from (a path or hub id)
 */
public record LoraConfig(int rank, double alpha, double dropout, Set<Projection> targets, boolean useRsLora, String baseModel) {
    /** PEFT's usual choice, and knowhow's default: the attention projections. */
    public static final Set<Projection> DEFAULT_TARGETS =
            Collections.unmodifiableSet(EnumSet.of(Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ, Projection.O_PROJ));

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        if (!(alpha > 0)) throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        targets = Set.copyOf(EnumSet.copyOf(targets));
        baseModel = Objects.requireNonNullElse(baseModel, "");
    }

    /** The factor applied to {@code B·A·x}. */
    public double scaling() {
        return useRsLora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** Target module names in the fixed projection order (q, k, v, o, gate, up, down). */
    public List<String> targetModuleNames() {
        return EnumSet.copyOf(targets).stream().map(Projection::moduleName).toList();
    }
}
