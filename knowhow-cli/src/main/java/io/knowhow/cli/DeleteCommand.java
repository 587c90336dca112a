package io.knowhow.cli;

import io.knowhow.app.DeleteResult;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code knowhow delete SOURCE...}: removes sources (a folder removes every source under it). */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Remove sources and all their chunks.",
                "SOURCE is a path as given to ingest (relative or absolute), or a folder: every source under it",
                "is removed. Without --purge the text stays in the index files until a merge rewrites them;",
                "--purge rewrites them at once. Exit status 1 if a SOURCE matched nothing."})
final class DeleteCommand extends KbCommand {
    @Parameters(arity = "1..*", paramLabel = "SOURCE")
    List<String> sources;

    @Option(names = "--json", description = "print what was deleted as JSON")
    boolean json;

    @Option(names = "--purge", description = "also rewrite the index so the deleted text is in none of its files (for a leaked secret or personal data; slower)")
    boolean purge;

    @Override
    int run(Knowhow kb) {
        if (!kb.exists()) throw new IllegalArgumentException("no knowledge base at " + kb.directory() + " yet: run `knowhow ingest PATH` first (or pass --kb DIR)");
        DeleteResult result = kb.delete(sources, purge);
        if (json) {
            out().println(JsonViews.pretty(JsonViews.deleted(result)));
        } else {
            for (String s : result.deleted()) out().println("deleted " + Terminal.line(s));
            for (String given : result.unmatched())
                err().println("knowhow: no source " + Terminal.line(given) + " in " + kb.directory() + " (see `knowhow sources`)");
        }
        return result.unmatched().isEmpty() ? 0 : 1;
    }
}
