package io.knowhow.tuneencoder.onnx;

/** Thrown when an ONNX file cannot be read or does not hold the weights of a BERT encoder; the message names the file. */
public final class OnnxFormatException extends RuntimeException {
    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
