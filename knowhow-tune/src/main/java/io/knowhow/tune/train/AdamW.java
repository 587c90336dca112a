package io.knowhow.tune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.knowhow.tune.model.Torch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, Loshchilov &amp; Hutter), as {@code torch.optim.AdamW} computes it, with
 * gradient clipping by global norm first:
 * <pre>
 * g  = grad · min(1, clip / (‖grads‖₂ + 1e-6))
 * p  = p · (1 − lr·wd)
 * m  = β₁·m + (1 − β₁)·g
 * v  = β₂·v + (1 − β₂)·g²
 * p  = p − lr · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * <p>Written on NDArrays rather than with DJL's {@code Optimizer}: that one is driven by DJL's
 * {@code Trainer} and parameter store, which this module does not use, and this keeps the arithmetic
 * visible and its state nameable for checkpoints. Every scalar is an array made natively (see
 * {@link Torch}); the update runs inside an {@link NDScope}, which closes every array made during it
 * whatever manager it landed in (results of {@code m.mul(x)} join {@code m}'s long-lived manager).
 * Call {@link #step} with grad mode off, after the gradient collector is closed.
 */
public final class AdamW {
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> expAvg;   // name → (shape of the parameter) first moment
    private final Map<String, NDArray> expAvgSq; // name → (shape of the parameter) second moment
    private final double beta1, beta2, eps, weightDecay;
    private long steps;

    /**
     * @param params    the arrays to train, by name; each must require gradients
     * @param manager   owner of the moment arrays (the model's manager)
     */
    public AdamW(Map<String, NDArray> params, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.expAvg = new LinkedHashMap<>();
        this.expAvgSq = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            expAvg.put(e.getKey(), manager.zeros(e.getValue().getShape(), DataType.FLOAT32));
            expAvgSq.put(e.getKey(), manager.zeros(e.getValue().getShape(), DataType.FLOAT32));
        }
    }

    /** AdamW with transformers' defaults: β₁ 0.9, β₂ 0.999, ε 1e-8. */
    public static AdamW standard(Map<String, NDArray> params, NDManager manager, double weightDecay) {
        return new AdamW(params, manager, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** Updates taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * Applies one update from the accumulated gradients, then clears them.
     *
     * @param lr      learning rate of this step
     * @param maxNorm clip the global gradient norm to this; 0 or less for no clipping
     * @return the global gradient norm before clipping
     */
    public double step(double lr, double maxNorm) {
        steps++;
        // Scopes close every array made inside them, whichever manager it joined. One per parameter, so
        // that a full model's temporaries (several times its size) never coexist.
        try (NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            NDArray total = null;
            for (NDArray p : params.values()) {
                try (NDScope inner = new NDScope()) {
                    inner.suppressNotUsedWarning();
                    NDArray sq = p.getGradient().square().sum();
                    if (total == null) {
                        NDScope.unregister(sq);
                        total = sq; // handed to the outer scope below
                    } else {
                        total.addi(sq);
                    }
                }
            }
            NDScope.register(total);
            double norm = Math.sqrt(total.getFloat());
            double coef = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
            NDManager m = total.getManager();
            NDArray clipCoef = Torch.scalar(m, (float) coef);
            NDArray b1 = Torch.scalar(m, (float) beta1), oneMinusB1 = Torch.scalar(m, (float) (1 - beta1));
            NDArray b2 = Torch.scalar(m, (float) beta2), oneMinusB2 = Torch.scalar(m, (float) (1 - beta2));
            NDArray invBc1 = Torch.scalar(m, (float) (1 / (1 - Math.pow(beta1, steps))));
            NDArray invBc2 = Torch.scalar(m, (float) (1 / (1 - Math.pow(beta2, steps))));
            NDArray epsilon = Torch.scalar(m, (float) eps);
            NDArray rate = Torch.scalar(m, (float) lr);
            NDArray decay = Torch.scalar(m, (float) (1 - lr * weightDecay));
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                try (NDScope inner = new NDScope()) {
                    inner.suppressNotUsedWarning();
                    NDArray p = e.getValue();
                    NDArray g = p.getGradient();
                    if (coef != 1.0) g = g.mul(clipCoef);
                    NDArray mean = expAvg.get(e.getKey()), var = expAvgSq.get(e.getKey());
                    mean.muli(b1).addi(g.mul(oneMinusB1));
                    var.muli(b2).addi(g.square().mul(oneMinusB2));
                    NDArray denom = var.mul(invBc2).sqrt().add(epsilon);
                    if (weightDecay != 0) p.muli(decay);
                    p.subi(mean.mul(invBc1).div(denom).mul(rate));
                }
                JniUtils.zeroGrad((PtNDArray) e.getValue());
            }
            return norm;
        }
    }

    /** Clears accumulated gradients without updating (e.g. after an aborted step). */
    public void zeroGradients() {
        for (NDArray p : params.values()) JniUtils.zeroGrad((PtNDArray) p);
    }

    /**
     * The optimizer state as named arrays for a checkpoint: {@code NAME.exp_avg} and
     * {@code NAME.exp_avg_sq} per parameter.
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            out.put(name + ".exp_avg", expAvg.get(name));
            out.put(name + ".exp_avg_sq", expAvgSq.get(name));
        }
        return out;
    }

    /**
     * Restores the state written by {@link #state()}: copies values into the moment arrays and sets
     * the step count.
     *
     * @param values name → row-major values, for every name {@link #state()} lists
     */
    public void restore(Map<String, float[]> values, long steps) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) throw new IllegalArgumentException("optimizer state lacks " + e.getKey());
            NDArray target = e.getValue();
            if (v.length != target.getShape().size())
                throw new IllegalArgumentException("optimizer state " + e.getKey() + " has " + v.length + " values, expected " + target.getShape().size());
            try (NDArray source = Torch.floats(target.getManager(), v, target.getShape().getShape())) {
                copyInto(target, source);
            }
        }
        this.steps = steps;
    }

    /** Overwrites {@code target}'s values with {@code source}'s, in place (grad mode must be off for parameters). */
    public static void copyInto(NDArray target, NDArray source) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            target.set(new NDIndex(":"), source);
        }
    }
}
