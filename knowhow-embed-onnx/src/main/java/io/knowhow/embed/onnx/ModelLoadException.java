package io.knowhow.embed.onnx;

/**
 * Thrown when an embedding model or its tokenizer cannot be loaded: a file is missing, unreadable
 * or not a model ONNX Runtime accepts. The message names the file or resource and what to do.
 */
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
