package io.knowhow.tune.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.ByteBuffer;

/**
 * The few entry points into DJL's PyTorch engine that this module needs, each with the engine hazard it
 * avoids.
 *
 * <p><b>NOTE: arrays made from Java data.</b> DJL wraps a direct {@link ByteBuffer} with
 * {@code torch::from_blob}: the tensor does not own its memory, the Java buffer does. Autograd may keep
 * such a tensor for the backward pass after the Java array is closed and the buffer collected, and then
 * reads freed memory: the gradients silently turn to garbage after a GC. That is what happens to every
 * {@code x.mul(3f)}, {@code add(eps)} or {@code pow(-0.5f)}: DJL makes the scalar from a buffer and closes
 * it at once. So every array this module makes from Java data goes through {@link #floats} /
 * {@link #longs}, which copy it into memory libtorch owns, scalars come from {@link #scalar} (made
 * natively), and no operation in a differentiable path takes a Java number.
 *
 * <p><b>NOTE: grad mode is per thread.</b> libtorch records a graph on any thread whose grad mode is on
 * (the default for threads other than the one that started the engine) as soon as one input requires a
 * gradient. Inference entry points call {@link #gradMode(boolean) gradMode(false)} first.
 *
 * <p><b>NOTE: result ownership.</b> DJL attaches an operation's result to the manager of its receiver
 * ({@code a.mul(b)} belongs to {@code a}'s manager). Forward code keeps activations as receivers so
 * that intermediates land in the per-step manager and are freed with it, never in the model's.
 */
public final class Torch {
    /** The engine name DJL registers PyTorch under. */
    public static final String ENGINE = "PyTorch";

    private Torch() {}

    /**
     * The PyTorch engine, started on first use. Turns on DJL's offline mode unless the caller chose
     * otherwise, so the engine takes libtorch from the {@code pytorch-native-cpu} jar on the class path
     * and never tries to download it.
     */
    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null)
            System.setProperty("ai.djl.offline", "true");
        return Engine.getEngine(ENGINE);
    }

    /** A new root manager on the CPU, the engine started if needed. */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /** A float array of {@code shape} holding a libtorch-owned copy of {@code data} (row-major). */
    public static NDArray floats(NDManager manager, float[] data, long... shape) {
        try (NDArray borrowed = manager.create(data, new Shape(shape))) {
            return borrowed.duplicate();
        }
    }

    /**
     * A float array of {@code shape} holding a libtorch-owned copy of a direct buffer of native-order
     * f32 values (for example a memory-mapped safetensors tensor).
     */
    public static NDArray floats(NDManager manager, ByteBuffer f32, long... shape) {
        try (NDArray borrowed = manager.create(f32, new Shape(shape), DataType.FLOAT32)) {
            return borrowed.duplicate();
        }
    }

    /** An int64 array of {@code shape} holding a libtorch-owned copy of {@code data} (token ids, indices). */
    public static NDArray longs(NDManager manager, long[] data, long... shape) {
        try (NDArray borrowed = manager.create(data, new Shape(shape))) {
            return borrowed.duplicate();
        }
    }

    /** A 0-dimensional f32 array made natively (no Java buffer behind it), safe to keep in a graph. */
    public static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }

    /** Turns gradient recording on or off for the calling thread. */
    public static void gradMode(boolean enabled) {
        engine();
        JniUtils.setGradMode(enabled);
    }

    /** Whether the calling thread records gradients. */
    public static boolean gradMode() {
        engine();
        return JniUtils.isGradMode();
    }

    /** Seeds libtorch's global random generator (dropout masks, native random initialisation). */
    public static void seed(long seed) {
        engine();
        JniUtils.setSeed(seed);
    }
}
