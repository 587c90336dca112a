package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.port.StoreCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code knowhow check}: reads every file of the store and reports damage, changing nothing. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the knowledge base's index for damage (checksums of every file, Lucene's CheckIndex, knowhow's",
                "own rules). Changes nothing, and runs while others read and write. Exit status 1 when a problem is found;",
                "docs/operations.md says what to do about each."})
final class CheckCommand extends KbCommand {
    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    int run(Knowhow kb) {
        StoreCheck check = kb.check();
        if (json) out().println(JsonViews.pretty(JsonViews.check(kb.directory(), check)));
        else if (check.ok()) out().printf("%s: ok (%d segments, %d documents)%n", kb.directory(), check.segments(), check.documents());
        else {
            out().printf("%s: %d problem(s) found (%d segments, %d documents)%n", kb.directory(), check.problems().size(), check.segments(),
                    check.documents());
            for (String p : check.problems()) out().println("  - " + Terminal.line(p));
            out().println("Restore the index from a backup (docs/operations.md), or re-ingest into a new --kb.");
        }
        return check.ok() ? 0 : 1;
    }
}
