package io.knowhow.cli;

import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.IngestReport.Outcome;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code knowhow ingest PATH...}: adds, updates or (for folders) syncs sources. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Parse, chunk, embed and index files and folders (.txt .md .html .pdf .docx .xlsx .pptx .odt .rtf .epub .eml .csv .tsv).",
                "Unchanged files are skipped; changed files replace their chunks atomically; files gone from an",
                "ingested folder are removed. Hidden files and formats no parser reads are skipped and counted.",
                "Tags and access groups stick: a file keeps them until --tag, --group or --public says otherwise, and a new",
                "file in a restricted folder gets the groups its neighbours share.",
                "Each file is ingested once, under its real path. Symbolic links leading out of the named files and folders,",
                "link loops and named pipes are skipped and reported (--list-skipped); --follow-links follows every link.",
                "Damaged files, zip bombs and files over the ingest.* limits fail by name (knowhow config keys).",
                "Exit status 1 if any file failed (the others are still ingested)."})
final class IngestCommand extends KbCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "files or folders")
    List<Path> paths;

    @Option(names = "--tag", paramLabel = "TAG",
            description = "label the chunks (repeatable; replaces the files' tags); filter with --tag on ask/search. Without it, files keep their tags")
    List<String> tags = new ArrayList<>();

    @Option(names = "--group", paramLabel = "GROUP",
            description = "only readers in this access group may retrieve these files (repeatable); without it, files keep the groups they have")
    List<String> groups = new ArrayList<>();

    @Option(names = "--public", description = "make these files readable by everyone, removing their access groups")
    boolean makePublic;

    @Option(names = "--follow-links", description = "also follow symbolic links that lead out of the named files and folders"
            + " (without it they are skipped: a link to /etc/passwd in docs/ would publish it to every reader of docs/)")
    boolean followLinks;

    @Option(names = "--json", description = "print the report as JSON (every file, skipped ones included)")
    boolean json;

    @Option(names = {"-v", "--list-skipped"}, description = "name each skipped file and why (the summary only counts them)")
    boolean listSkipped;

    @Override
    int run(Knowhow kb) {
        IngestReport report;
        try (Progress progress = new Progress(!json && System.console() != null)) {
            report = kb.ingest(request(), progress);
        }
        if (json) out().println(JsonViews.pretty(JsonViews.ingest(kb.directory(), report)));
        else printSummary(report, kb);
        return report.failures().isEmpty() ? 0 : 1;
    }

    private IngestRequest request() {
        if (makePublic && !groups.isEmpty()) throw new UsageError("--public and --group exclude each other");
        IngestRequest request = new IngestRequest(paths, java.util.Optional.empty(), java.util.Optional.empty());
        if (!tags.isEmpty()) request = request.withTags(Set.copyOf(tags));
        if (!groups.isEmpty()) request = request.restrictedTo(Set.copyOf(groups));
        if (makePublic) request = request.makePublic();
        if (followLinks) request = request.followingLinks();
        return request;
    }

    private void printSummary(IngestReport report, Knowhow kb) {
        for (IngestReport.FileResult f : report.failures()) err().println("  failed: " + Terminal.line(f.error()));
        if (listSkipped)
            for (IngestReport.FileResult f : report.skipped()) err().println("  skipped: " + Terminal.line(f.source() + " (" + f.error() + ")"));
        double secs = Math.max(report.elapsedMillis(), 1) / 1000.0;
        out().printf("Ingested into %s in %.1f s: %d added, %d updated, %d unchanged, %d removed, %d failed, %d skipped; %d chunks written (%.0f chunks/s)%n",
                kb.directory(), secs, report.count(Outcome.ADDED), report.count(Outcome.UPDATED), report.count(Outcome.UNCHANGED),
                report.count(Outcome.REMOVED), report.count(Outcome.FAILED), report.count(Outcome.SKIPPED), report.chunksWritten(),
                report.chunksWritten() / secs);
        if (!report.skipped().isEmpty() && !listSkipped)
            out().println("(" + report.skipped().size() + " skipped: hidden, a format no parser reads, a link out of the named paths"
                    + " or in a loop, a pipe or device; --list-skipped names them)");
    }

    /** A terminal progress bar over files; silent when output is not a terminal or is JSON. */
    private static final class Progress implements IngestListener, AutoCloseable {
        private final boolean enabled;
        private ProgressBar bar;

        Progress(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public void started(int totalFiles) {
            if (enabled && totalFiles > 1) {
                bar = new ProgressBarBuilder().setTaskName("Ingesting").setInitialMax(totalFiles)
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" files", 1).setUpdateIntervalMillis(200)
                        .continuousUpdate().build();
            }
        }

        @Override
        public void fileDone(IngestReport.FileResult result) {
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(Terminal.line(shortName(result.source())));
            }
        }

        private static String shortName(String source) {
            Path name = Path.of(source).getFileName();
            return name == null ? source : name.toString();
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
        }
    }
}
