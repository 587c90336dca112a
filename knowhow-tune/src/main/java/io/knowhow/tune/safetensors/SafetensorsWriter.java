package io.knowhow.tune.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Writes a safetensors file that Python's {@code safetensors} and {@code transformers} / {@code peft}
 * load: header entries in the given order, each tensor's data right after the previous one, the header
 * padded with spaces to a multiple of 8 bytes so that every tensor starts 8-byte aligned.
 *
 * <p>Tensors are supplied lazily so a whole model can be written one tensor at a time. The file is
 * written next to its destination and moved into place at the end, so a crash never leaves a
 * half-written file under the final name.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /**
     * One tensor to write.
     *
     * @param name  tensor name
     * @param dtype element type of {@code data}'s bytes
     * @param shape dimensions, outermost first
     * @param data  supplies the little-endian bytes, exactly {@code elements * dtype.bytes()} of them;
     *              called once, during the write
     */
    public record Entry(String name, DType dtype, long[] shape, Supplier<ByteBuffer> data) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
            Objects.requireNonNull(data, "data");
        }

        long byteLength() {
            long n = dtype.bytes();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        /** An f32 tensor from a Java array (row-major). */
        public static Entry of(String name, long[] shape, float[] values) {
            return new Entry(name, DType.F32, shape, () -> {
                ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values);
                return b;
            });
        }
    }

    /**
     * Writes {@code entries} to {@code file}, replacing it.
     *
     * @param metadata string pairs for the header's {@code __metadata__} (e.g. {@code format: pt})
     */
    public static void write(Path file, List<Entry> entries, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Entry e : entries) {
            if (!names.add(e.name())) throw new IllegalArgumentException("tensor '" + e.name() + "' given twice for " + file);
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().headerName());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            long end = offset + e.byteLength();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path parent = file.toAbsolutePath().getParent();
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(parent);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, head);
                for (Entry e : entries) {
                    ByteBuffer data = e.data().get().duplicate();
                    if (data.remaining() != e.byteLength())
                        throw new IllegalArgumentException("tensor '" + e.name() + "' supplied " + data.remaining()
                                + " bytes, its shape and dtype need " + e.byteLength());
                    writeFully(out, data);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new SafetensorsException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) out.write(data);
    }
}
