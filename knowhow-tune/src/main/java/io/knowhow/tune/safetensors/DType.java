package io.knowhow.tune.safetensors;

import java.util.Locale;

/**
 * The element types knowhow reads and writes in safetensors files, with their byte widths and the
 * conversion to {@code float}.
 */
public enum DType {
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16: the upper 16 bits of an f32. */
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The name the safetensors header uses ("F32", "F16", "BF16"). */
    public String headerName() {
        return name();
    }

    /**
     * The type named in a header, or {@code null} when knowhow does not read it (integer, f64 and
     * 8-bit float tensors: quantized checkpoints are out of scope).
     */
    public static DType fromHeader(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> null;
        };
    }

    /** The f32 value of a bfloat16 bit pattern: bf16 is the top half of an f32, so this is exact. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The bfloat16 nearest to {@code value} (round to nearest even, NaN kept NaN). */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
