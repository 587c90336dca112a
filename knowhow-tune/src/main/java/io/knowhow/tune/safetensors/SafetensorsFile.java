package io.knowhow.tune.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one safetensors file: parses the header on open, then memory-maps each tensor's bytes on
 * demand and hands them out as f32, converting f16 and bf16 on the way.
 *
 * <p>Layout, as the format defines it:
 * <pre>
 * u64 little-endian  N, the header length in bytes
 * N bytes            UTF-8 JSON: {"name": {"dtype": "BF16", "shape": [r, c], "data_offsets": [begin, end]}, ...,
 *                                 "__metadata__": {"format": "pt"}}   (may be padded with spaces)
 * rest               the data section; offsets count from its first byte
 * </pre>
 *
 * <p>Each tensor is mapped separately (a {@link MappedByteBuffer} cannot exceed 2 GiB, a whole model
 * file can). The mapping is released by the garbage collector once no buffer refers to it.
 *
 * <p>Not thread-safe for concurrent {@link #close()}; reads from several threads are fine.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Larger headers are treated as corruption (real ones are a few hundred KiB at most). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens {@code path} and validates its header: every tensor's byte range must lie inside the file
     * and match its dtype and shape.
     *
     * @throws SafetensorsException when the file is missing, truncated or not safetensors
     */
    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException("Safetensors file not found: " + path, e);
        } catch (IOException e) {
            throw new SafetensorsException("Cannot open safetensors file " + path + ": " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (size < 8) throw new SafetensorsException(path + " is not a safetensors file: only " + size + " bytes long");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, len, 0);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size)
                throw new SafetensorsException(path + " is not a safetensors file or is truncated: header length " + headerLength
                        + " bytes, file " + size + " bytes");
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            SafetensorsFile file = parse(path, channel, dataStart, size - dataStart,
                    new String(header.array(), StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SafetensorsException("Cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel, long dataStart, long dataLength, String headerJson) {
        JsonNode root;
        try {
            root = JSON.readTree(headerJson);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path + " has a header that is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new SafetensorsException(path + " has a header that is not a JSON object");
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                node.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String dtypeName = node.path("dtype").asText("");
            DType dtype = DType.fromHeader(dtypeName);
            if (dtype == null)
                throw new SafetensorsException(path + ": tensor '" + name + "' has dtype '" + dtypeName
                        + "', which knowhow does not read; supported: F32, F16, BF16 (quantized checkpoints are not supported)");
            JsonNode shapeNode = node.path("shape");
            JsonNode offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2)
                throw new SafetensorsException(path + ": tensor '" + name + "' lacks a shape or data_offsets");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asLong(-1);
            TensorInfo info = new TensorInfo(name, dtype, shape, offsets.get(0).asLong(-1), offsets.get(1).asLong(-1));
            for (long d : shape)
                if (d < 0) throw new SafetensorsException(path + ": tensor '" + name + "' has a negative dimension");
            if (info.begin() < 0 || info.end() < info.begin() || info.end() > dataLength)
                throw new SafetensorsException(path + ": tensor '" + name + "' claims bytes " + info.begin() + ".." + info.end()
                        + " but the data section has " + dataLength + " bytes (truncated download?)");
            if (info.byteLength() != info.elements() * dtype.bytes())
                throw new SafetensorsException(path + ": tensor '" + name + "' has " + info.byteLength() + " bytes for "
                        + info.elements() + " " + dtype + " elements");
            tensors.put(name, info);
        }
        return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    public Path path() {
        return path;
    }

    /** Every tensor in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} entries (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of {@code name}. @throws SafetensorsException when the file has no such tensor */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new SafetensorsException(path + " has no tensor named '" + name + "'");
        return info;
    }

    /**
     * The tensor's raw bytes, memory-mapped, little-endian, exactly as stored.
     */
    public ByteBuffer raw(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE)
            throw new SafetensorsException(path + ": tensor '" + name + "' is larger than 2 GiB, which knowhow does not map");
        try {
            if (info.byteLength() == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafetensorsException("Cannot map tensor '" + name + "' of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tensor as f32 in a direct buffer in native byte order, ready for an engine to copy: the
     * mapping itself for F32 data on a little-endian machine, otherwise a new buffer filled by
     * converting f16 / bf16 element by element.
     */
    public ByteBuffer f32(String name) {
        TensorInfo info = info(name);
        ByteBuffer raw = raw(name);
        if (info.dtype() == DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) return raw;
        long n = info.elements();
        if (n * 4 > Integer.MAX_VALUE)
            throw new SafetensorsException(path + ": tensor '" + name + "' is larger than 2 GiB as f32, which knowhow does not load");
        ByteBuffer out = ByteBuffer.allocateDirect((int) (n * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer dst = out.asFloatBuffer();
        switch (info.dtype()) {
            case F32 -> dst.put(raw.asFloatBuffer());
            case F16 -> {
                ShortBuffer src = raw.asShortBuffer();
                for (int i = 0; i < n; i++) dst.put(i, Float.float16ToFloat(src.get(i)));
            }
            case BF16 -> {
                ShortBuffer src = raw.asShortBuffer();
                for (int i = 0; i < n; i++) dst.put(i, DType.bf16ToFloat(src.get(i)));
            }
        }
        return out;
    }

    /** The tensor as a Java {@code float[]} (row-major); for small tensors, tests and reference code. */
    public float[] floats(String name) {
        FloatBuffer src = f32(name).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] out = new float[src.remaining()];
        src.get(out);
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through this channel, so nothing can be lost
        }
    }
}
