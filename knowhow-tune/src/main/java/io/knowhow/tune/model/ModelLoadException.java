package io.knowhow.tune.model;

/**
 * A model directory or adapter that cannot be used: missing, incomplete, of an unsupported
 * architecture, or with tensors of the wrong shape. The message names the path and what to do.
 */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
