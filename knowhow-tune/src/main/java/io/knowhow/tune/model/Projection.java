package io.knowhow.tune.model;

import java.util.Locale;

/**
 * The seven linear projections of a decoder layer, the modules LoRA can target, with their Hugging Face
 * names ({@code self_attn.q_proj}, {@code mlp.gate_proj}, ...).
 */
public enum Projection {
    Q_PROJ("self_attn", "q_proj"),
    K_PROJ("self_attn", "k_proj"),
    V_PROJ("self_attn", "v_proj"),
    O_PROJ("self_attn", "o_proj"),
    GATE_PROJ("mlp", "gate_proj"),
    UP_PROJ("mlp", "up_proj"),
    DOWN_PROJ("mlp", "down_proj");

    private final String block;
    private final String moduleName;

    Projection(String block, String moduleName) {
        this.block = block;
        this.moduleName = moduleName;
    }

    /** The module name PEFT's {@code target_modules} uses, e.g. {@code q_proj}. */
    public String moduleName() {
        return moduleName;
    }

    /** The module path inside layer {@code layer}, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public String path(int layer) {
        return "model.layers." + layer + "." + block + "." + moduleName;
    }

    /** Input width of the projection. */
    public int inFeatures(ModelConfig c) {
        return switch (this) {
            case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> c.hiddenSize();
            case O_PROJ -> c.heads() * c.headDim();
            case DOWN_PROJ -> c.intermediateSize();
        };
    }

    /** Output width of the projection. */
    public int outFeatures(ModelConfig c) {
        return switch (this) {
            case Q_PROJ -> c.heads() * c.headDim();
            case K_PROJ, V_PROJ -> c.kvHeads() * c.headDim();
            case O_PROJ, DOWN_PROJ -> c.hiddenSize();
            case GATE_PROJ, UP_PROJ -> c.intermediateSize();
        };
    }

    /** Whether the projection has a bias in this model. */
    public boolean hasBias(ModelConfig c) {
        return switch (this) {
            case Q_PROJ, K_PROJ, V_PROJ -> c.qkvBias();
            case O_PROJ -> c.oBias();
            case GATE_PROJ, UP_PROJ, DOWN_PROJ -> c.mlpBias();
        };
    }

    /**
     * The projection named {@code name}: a module name ({@code q_proj}) or its short form ({@code q},
     * {@code gate}), in any case.
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static Projection parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Projection p : values())
            if (p.moduleName.equals(n) || p.moduleName.equals(n + "_proj")) return p;
        throw new IllegalArgumentException("unknown target module '" + name
                + "': use q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj or down_proj (or q, k, v, o, gate, up, down)");
    }
}
