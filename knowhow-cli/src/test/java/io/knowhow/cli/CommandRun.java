package io.knowhow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.app.json.JsonViews;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One command line run in this JVM with its output captured, as a user's shell would see it: exit status,
 * standard output, standard error.
 */
record CommandRun(int status, String out, String err) {
    /** Runs {@code knowhow ARGS...}. */
    static CommandRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Runs {@code knowhow --kb KB ARGS...}. */
    static CommandRun inKb(java.nio.file.Path kb, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--kb";
        full[1] = kb.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return of(full);
    }

    /** Standard output as JSON (a --json command's result or error). */
    JsonNode json() {
        try {
            return JsonViews.MAPPER.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + out + err, e);
        }
    }
}
