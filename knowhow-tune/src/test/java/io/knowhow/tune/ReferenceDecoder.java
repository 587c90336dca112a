package io.knowhow.tune;

import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.Projection;

import java.util.Map;

/**
 * The decoder's equations in plain Java, one scalar at a time in double precision, straight from
 * transformers' modeling_llama.py / modeling_qwen2.py: the independent reference the NDArray forward
 * pass is checked against.
 */
public final class ReferenceDecoder {
    private final ModelConfig c;
    private final Map<String, float[]> w;
    private final Map<String, float[]> lora; // PEFT names → values, or empty
    private final double scaling;
    private final int rank;

    public ReferenceDecoder(ModelConfig config, Map<String, float[]> weights, Map<String, float[]> lora, double scaling, int rank) {
        this.c = config;
        this.w = weights;
        this.lora = lora;
        this.scaling = scaling;
        this.rank = rank;
    }

    public ReferenceDecoder(ModelConfig config, Map<String, float[]> weights) {
        this(config, weights, Map.of(), 0, 0);
    }

    /** Logits [position][vocab] for {@code tokens} starting at position 0. */
    public double[][] logits(int[] tokens) {
        int t = tokens.length, h = c.hiddenSize(), d = c.headDim(), nh = c.heads(), nkv = c.kvHeads(), g = c.groupSize();
        double[][] x = new double[t][h];
        float[] embed = w.get("model.embed_tokens.weight");
        for (int i = 0; i < t; i++) for (int j = 0; j < h; j++) x[i][j] = embed[tokens[i] * h + j];
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[t][], k = new double[t][], v = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] hn = rmsNorm(x[i], w.get(p + "input_layernorm.weight"));
                q[i] = rope(project(l, Projection.Q_PROJ, hn), i, nh);
                k[i] = rope(project(l, Projection.K_PROJ, hn), i, nkv);
                v[i] = project(l, Projection.V_PROJ, hn);
            }
            for (int i = 0; i < t; i++) {
                double[] attended = new double[nh * d];
                for (int head = 0; head < nh; head++) {
                    int kvh = head / g;
                    double[] scores = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    int from = c.slidingWindow() > 0 ? Math.max(0, i - c.slidingWindow() + 1) : 0;
                    for (int s = from; s <= i; s++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += q[i][head * d + e] * k[s][kvh * d + e];
                        scores[s] = dot / Math.sqrt(d);
                        max = Math.max(max, scores[s]);
                    }
                    double sum = 0;
                    for (int s = from; s <= i; s++) sum += scores[s] = Math.exp(scores[s] - max);
                    for (int s = from; s <= i; s++)
                        for (int e = 0; e < d; e++) attended[head * d + e] += scores[s] / sum * v[s][kvh * d + e];
                }
                double[] o = project(l, Projection.O_PROJ, attended);
                for (int j = 0; j < h; j++) x[i][j] += o[j];
                double[] hn = rmsNorm(x[i], w.get(p + "post_attention_layernorm.weight"));
                double[] gate = project(l, Projection.GATE_PROJ, hn), up = project(l, Projection.UP_PROJ, hn);
                double[] act = new double[gate.length];
                for (int j = 0; j < act.length; j++) act[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                double[] down = project(l, Projection.DOWN_PROJ, act);
                for (int j = 0; j < h; j++) x[i][j] += down[j];
            }
        }
        float[] head = c.tiedEmbeddings() ? embed : w.get("lm_head.weight");
        double[][] out = new double[t][c.vocabSize()];
        for (int i = 0; i < t; i++) {
            double[] hn = rmsNorm(x[i], w.get("model.norm.weight"));
            for (int r = 0; r < c.vocabSize(); r++) {
                double s = 0;
                for (int j = 0; j < h; j++) s += head[r * h + j] * hn[j];
                out[i][r] = s;
            }
        }
        return out;
    }

    /** Mean negative log-likelihood of tokens[i] for every i with target[i] (i ≥ 1). */
    public double loss(int[] tokens, boolean[] targets) {
        double[][] logits = logits(tokens);
        double sum = 0;
        int n = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (!targets[i]) continue;
            double[] row = logits[i - 1];
            double max = Double.NEGATIVE_INFINITY;
            for (double r : row) max = Math.max(max, r);
            double z = 0;
            for (double r : row) z += Math.exp(r - max);
            sum += -(row[tokens[i]] - max - Math.log(z));
            n++;
        }
        return sum / n;
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ms = 0;
        for (double v : x) ms += v * v;
        ms /= x.length;
        double inv = 1 / Math.sqrt(ms + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * inv * weight[i];
        return out;
    }

    private double[] project(int layer, Projection p, double[] in) {
        float[] weight = w.get(p.path(layer) + ".weight");
        float[] bias = w.get(p.path(layer) + ".bias");
        int outF = p.outFeatures(c), inF = p.inFeatures(c);
        double[] out = new double[outF];
        for (int o = 0; o < outF; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < inF; i++) s += weight[o * inF + i] * in[i];
            out[o] = s;
        }
        float[] a = lora.get("base_model.model." + p.path(layer) + ".lora_A.weight");
        float[] b = lora.get("base_model.model." + p.path(layer) + ".lora_B.weight");
        if (a != null) {
            double[] down = new double[rank];
            for (int r = 0; r < rank; r++) for (int i = 0; i < inF; i++) down[r] += a[r * inF + i] * in[i];
            for (int o = 0; o < outF; o++) {
                double s = 0;
                for (int r = 0; r < rank; r++) s += b[o * rank + r] * down[r];
                out[o] += scaling * s;
            }
        }
        return out;
    }

    /** Rotate-half RoPE on each head of {@code v} at position {@code pos}. */
    private double[] rope(double[] v, int pos, int heads) {
        int d = c.headDim(), half = d / 2;
        double[] out = new double[v.length];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                double inv = 1 / Math.pow(c.ropeTheta(), (2.0 * i) / d);
                double cos = Math.cos(pos * inv), sin = Math.sin(pos * inv);
                double x1 = v[head * d + i], x2 = v[head * d + i + half];
                out[head * d + i] = x1 * cos - x2 * sin;
                out[head * d + i + half] = x2 * cos + x1 * sin;
            }
        }
        return out;
    }
}
