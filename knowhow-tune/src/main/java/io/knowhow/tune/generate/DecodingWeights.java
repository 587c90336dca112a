package io.knowhow.tune.generate;

import ai.djl.ndarray.NDArray;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.DecoderWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.Projection;

/**
 * The weights decoding reads, copied out of a {@link DecoderModel} (after any adapter was merged) as
 * f32 or Q8 matrices. Never written after construction, so one instance serves any number of
 * generations at once. Shapes in comments; a {@link Matrix} is (out features, in features), and
 * per-layer fields are indexed by layer first.
 */
final class DecodingWeights {
    final ModelConfig config;
    final VectorDecoder.Precision precision;
    final Matrix embed;               // (vocab, hidden): rows are looked up
    final Matrix lmHead;              // (vocab, hidden); the same object as embed when tied
    final float[] finalNorm;          // (hidden)
    final float[][] inputNorm;        // (layer, hidden)
    final Matrix[] q;                 // (layer, heads * head_dim, hidden)
    final float[][] qBias;            // (layer, heads * head_dim); null rows where the family has none (Llama)
    final Matrix[] k;                 // (layer, kv_heads * head_dim, hidden)
    final float[][] kBias;            // (layer, kv_heads * head_dim) or null rows
    final Matrix[] v;                 // (layer, kv_heads * head_dim, hidden)
    final float[][] vBias;            // (layer, kv_heads * head_dim) or null rows
    final Matrix[] o;                 // (layer, hidden, heads * head_dim)
    final float[][] oBias;            // (layer, hidden) or null rows
    final float[][] postNorm;         // (layer, hidden)
    final Matrix[] gate;              // (layer, intermediate, hidden)
    final float[][] gateBias;         // (layer, intermediate) or null rows
    final Matrix[] up;                // (layer, intermediate, hidden)
    final float[][] upBias;           // (layer, intermediate) or null rows
    final Matrix[] down;              // (layer, hidden, intermediate)
    final float[][] downBias;         // (layer, hidden) or null rows
    final float[] inverseFrequencies; // (head_dim / 2): RoPE, scaling applied

    DecodingWeights(DecoderModel model, VectorDecoder.Precision precision) {
        ModelConfig c = model.config();
        DecoderWeights w = model.weights();
        int layers = c.layers();
        this.config = c;
        this.precision = precision;
        this.embed = Matrix.of(w.embed().toFloatArray(), c.vocabSize(), c.hiddenSize(), precision);
        this.lmHead = c.tiedEmbeddings() ? embed : Matrix.of(w.lmHead().toFloatArray(), c.vocabSize(), c.hiddenSize(), precision);
        this.finalNorm = w.finalNorm().toFloatArray();
        this.inputNorm = new float[layers][];
        this.q = new Matrix[layers];
        this.qBias = new float[layers][];
        this.k = new Matrix[layers];
        this.kBias = new float[layers][];
        this.v = new Matrix[layers];
        this.vBias = new float[layers][];
        this.o = new Matrix[layers];
        this.oBias = new float[layers][];
        this.postNorm = new float[layers][];
        this.gate = new Matrix[layers];
        this.gateBias = new float[layers][];
        this.up = new Matrix[layers];
        this.upBias = new float[layers][];
        this.down = new Matrix[layers];
        this.downBias = new float[layers][];
        for (int l = 0; l < layers; l++) {
            DecoderWeights.Layer x = w.layer(l);
            inputNorm[l] = x.inputNorm().toFloatArray();
            q[l] = matrix(x, Projection.Q_PROJ, c, precision);
            qBias[l] = floats(x.qBias());
            k[l] = matrix(x, Projection.K_PROJ, c, precision);
            kBias[l] = floats(x.kBias());
            v[l] = matrix(x, Projection.V_PROJ, c, precision);
            vBias[l] = floats(x.vBias());
            o[l] = matrix(x, Projection.O_PROJ, c, precision);
            oBias[l] = floats(x.oBias());
            postNorm[l] = x.postNorm().toFloatArray();
            gate[l] = matrix(x, Projection.GATE_PROJ, c, precision);
            gateBias[l] = floats(x.gateBias());
            up[l] = matrix(x, Projection.UP_PROJ, c, precision);
            upBias[l] = floats(x.upBias());
            down[l] = matrix(x, Projection.DOWN_PROJ, c, precision);
            downBias[l] = floats(x.downBias());
        }
        this.inverseFrequencies = c.ropeScaling().inverseFrequencies(c.headDim(), c.ropeTheta());
    }

    /** Bytes the weight matrices take. */
    long bytes() {
        long b = embed.bytes() + (lmHead == embed ? 0 : lmHead.bytes());
        for (int l = 0; l < q.length; l++)
            b += q[l].bytes() + k[l].bytes() + v[l].bytes() + o[l].bytes() + gate[l].bytes() + up[l].bytes() + down[l].bytes();
        return b;
    }

    private static Matrix matrix(DecoderWeights.Layer layer, Projection p, ModelConfig c, VectorDecoder.Precision precision) {
        return Matrix.of(layer.weight(p).toFloatArray(), p.outFeatures(c), p.inFeatures(c), precision);
    }

    private static float[] floats(NDArray a) {
        return a == null ? null : a.toFloatArray();
    }
}
