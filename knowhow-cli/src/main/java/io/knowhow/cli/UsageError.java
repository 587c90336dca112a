package io.knowhow.cli;

/** A command line that does not make sense (options that exclude each other, a missing argument): exit status 2. */
final class UsageError extends IllegalArgumentException {
    UsageError(String message) {
        super(message);
    }
}
