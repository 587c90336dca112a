package io.knowhow.tune.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safetensors reader and writer, byte by byte. */
class SafetensorsTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheDocumentedLayoutAndReadsItBack() throws Exception {
        Path f = tmp.resolve("t.safetensors");
        SafetensorsWriter.write(f, List.of(SafetensorsWriter.Entry.of("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                SafetensorsWriter.Entry.of("b", new long[] {1}, new float[] {-0.5f})), Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(f);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + headerLength) % 8).isZero(); // data 8-byte aligned
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}");
        assertThat(bytes).hasSize((int) (8 + headerLength + 28));
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            assertThat(r.tensors().keySet()).containsExactly("a", "b");
            assertThat(r.metadata()).containsEntry("format", "pt");
            assertThat(r.info("a").shape()).containsExactly(2, 3);
            assertThat(r.floats("a")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(r.floats("b")).containsExactly(-0.5f);
            assertThatThrownBy(() -> r.info("c")).isInstanceOf(SafetensorsException.class).hasMessageContaining("no tensor named 'c'");
        }
    }

    @Test
    void convertsBf16AndF16ToF32() throws Exception {
        float[] values = {1.5f, -2.25f, 0.1f, 65504f, 1e-3f};
        ByteBuffer bf = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer hf = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bf.putShort(DType.floatToBf16(v));
            hf.putShort(Float.floatToFloat16(v));
        }
        Path f = tmp.resolve("half.safetensors");
        SafetensorsWriter.write(f, List.of(new SafetensorsWriter.Entry("bf", DType.BF16, new long[] {5}, bf::flip),
                new SafetensorsWriter.Entry("hf", DType.F16, new long[] {5}, hf::flip)), Map.of());
        try (SafetensorsFile r = SafetensorsFile.open(f)) {
            float[] b = r.floats("bf"), h = r.floats("hf");
            for (int i = 0; i < values.length; i++) {
                assertThat(b[i]).isCloseTo(values[i], org.assertj.core.data.Percentage.withPercentage(0.5));
                assertThat(h[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(values[i])));
            }
            assertThat(b[0]).isEqualTo(1.5f);
            assertThat(b[1]).isEqualTo(-2.25f);
            assertThat(r.f32("bf").isDirect()).isTrue();
        }
        assertThat(DType.bf16ToFloat(DType.floatToBf16(1.00390625f))).isEqualTo(1.0f);      // ties to even
        assertThat(DType.bf16ToFloat(DType.floatToBf16(1.01171875f))).isEqualTo(1.015625f); // ties to even, upwards
    }

    @Test
    void corruptOrUnsupportedFilesAreNamedInTheError() throws Exception {
        Path tiny = Files.write(tmp.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(tiny)).isInstanceOf(SafetensorsException.class).hasMessageContaining("tiny.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(tmp.resolve("gone.safetensors")))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("not found").hasMessageContaining("gone.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(file("huge", Long.MAX_VALUE / 2, "{}", 0)))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("header length");
        assertThatThrownBy(() -> SafetensorsFile.open(file("json", 5, "{nope", 0)))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("not valid JSON");
        String i8 = "{\"q\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}";
        assertThatThrownBy(() -> SafetensorsFile.open(file("int8", i8.length(), i8, 4)))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("dtype 'I8'").hasMessageContaining("int8.safetensors");
        String truncated = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertThatThrownBy(() -> SafetensorsFile.open(file("cut", truncated.length(), truncated, 8)))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("truncated");
        String wrongSize = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertThatThrownBy(() -> SafetensorsFile.open(file("size", wrongSize.length(), wrongSize, 8)))
                .isInstanceOf(SafetensorsException.class).hasMessageContaining("8 bytes for 3 F32 elements");
    }

    private Path file(String name, long declaredHeader, String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeader).put(h);
        return Files.write(tmp.resolve(name + ".safetensors"), b.array());
    }
}
