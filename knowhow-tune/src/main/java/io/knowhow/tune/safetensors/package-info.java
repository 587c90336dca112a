/**
 * Reads and writes the safetensors format (Hugging Face's tensor file): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data.
 *
 * <p>Written by hand on Jackson rather than through a library because the format is one page long and
 * the loader has one job beyond parsing: turn bf16 and f16 into f32 in Java, since a bf16 array handed
 * to DJL's PyTorch engine aborts the JVM. Nothing here depends on DJL.
 */
package io.knowhow.tune.safetensors;
