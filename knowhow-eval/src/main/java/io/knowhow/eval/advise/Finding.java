package io.knowhow.eval.advise;

import java.util.Objects;

/**
 * An answer to one of the framework's questions, and how it was obtained.
 *
 * @param value    the answer
 * @param measured true when knowhow measured it on the knowledge base or a file, false when a flag gave it
 * @param basis    what it rests on, for the reason ("--changes weekly", "412 chunks counted with ...")
 */
public record Finding<T>(T value, boolean measured, String basis) {
    public Finding {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(basis, "basis");
    }

    public static <T> Finding<T> given(T value, String flag) {
        return new Finding<>(value, false, flag);
    }

    public static <T> Finding<T> measured(T value, String how) {
        return new Finding<>(value, true, how);
    }
}
