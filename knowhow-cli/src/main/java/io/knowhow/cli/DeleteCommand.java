package io.knowhow.cli;

import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.KnowledgeStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/** {@code knowhow delete SOURCE...}: removes sources (a folder removes every source under it). */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Remove sources and all their chunks.",
                "SOURCE is a path as given to ingest (relative or absolute), or a folder: every source under it",
                "is removed. Exit status 1 if a SOURCE matched nothing."})
final class DeleteCommand extends KbCommand {
    @Parameters(arity = "1..*", paramLabel = "SOURCE")
    List<String> sources;

    @Override
    int run(KnowhowRuntime runtime) {
        KnowledgeStore store = runtime.existingStore();
        int missing = 0;
        for (String given : sources) {
            String key = IngestPlan.sourceKey(Path.of(given));
            List<String> matches = store.sources().stream().map(SourceRecord::source)
                    .filter(s -> s.equals(key) || s.equals(given) || s.startsWith(key + File.separator)).toList();
            if (matches.isEmpty()) {
                err().println("knowhow: no source " + given + " in " + runtime.kbDir() + " (see `knowhow sources`)");
                missing++;
                continue;
            }
            for (String s : matches) {
                store.deleteSource(s);
                out().println("deleted " + s);
            }
        }
        return missing == 0 ? 0 : 1;
    }
}
