package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code knowhow backup DIR}: a consistent copy of the knowledge base, made while it serves. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copy the knowledge base (its last commit and config.yaml) into a new directory that opens as the same",
                "knowledge base: `knowhow --kb DIR ask ...`. Readers keep working; writers wait for the copy.",
                "Restore by pointing --kb at the copy, or by moving it into place while nothing runs (docs/operations.md)."})
final class BackupCommand extends KbCommand {
    @Parameters(paramLabel = "DIR", description = "where the copy goes: a new or empty directory")
    Path target;

    @Override
    int run(Knowhow kb) {
        kb.backup(target);
        out().println("Backed up " + kb.directory() + " to " + target.toAbsolutePath().normalize());
        return 0;
    }
}
