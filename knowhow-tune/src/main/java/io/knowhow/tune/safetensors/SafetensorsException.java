package io.knowhow.tune.safetensors;

/** A safetensors file that cannot be read or written; the message names the file and what is wrong. */
public class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
