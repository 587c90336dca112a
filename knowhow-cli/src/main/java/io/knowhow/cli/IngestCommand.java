package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.IngestReport.Outcome;
import io.knowhow.ingest.SourceFiles;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code knowhow ingest PATH...}: adds, updates or (for folders) syncs sources. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Parse, chunk, embed and index files and folders (.txt .md .html .pdf .docx).",
                "Unchanged files are skipped; changed files replace their chunks atomically; files gone from an",
                "ingested folder are removed. Exit status 1 if any file failed (the others are still ingested)."})
final class IngestCommand extends KbCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "files or folders")
    List<Path> paths;

    @Option(names = "--tag", paramLabel = "TAG", description = "label the chunks (repeatable); filter with --tag on ask/search")
    List<String> tags = new ArrayList<>();

    @Option(names = "--group", paramLabel = "GROUP", description = "only readers in this access group may retrieve these files (repeatable)")
    List<String> groups = new ArrayList<>();

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    int run(KnowhowRuntime runtime) throws Exception {
        List<Path> files = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        List<IngestReport.FileResult> early = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                early.add(new IngestReport.FileResult(IngestPlan.sourceKey(p), Outcome.FAILED, 0, p + " does not exist"));
                continue;
            }
            if (Files.isDirectory(p)) folders.add(p);
            files.addAll(new SourceFiles(runtime.parser()::supports).expand(List.of(p)).files());
        }
        Set<Path> unique = new LinkedHashSet<>(files);
        IngestPlan plan = new IngestPlan(List.copyOf(unique), folders, Set.copyOf(tags), Set.copyOf(groups));
        IngestReport report;
        try (Progress progress = new Progress(!json && System.console() != null)) {
            report = runtime.ingestor().ingest(plan, progress);
        }
        List<IngestReport.FileResult> all = new ArrayList<>(early);
        all.addAll(report.results());
        report = new IngestReport(all, report.elapsedMillis());
        if (json) out().println(Json.write(toJson(report, runtime)));
        else printSummary(report, runtime);
        return report.failures().isEmpty() ? 0 : 1;
    }

    private void printSummary(IngestReport report, KnowhowRuntime runtime) {
        for (IngestReport.FileResult f : report.failures()) err().println("  failed: " + f.error());
        double secs = Math.max(report.elapsedMillis(), 1) / 1000.0;
        out().printf("Ingested into %s in %.1f s: %d added, %d updated, %d unchanged, %d removed, %d failed; %d chunks written (%.0f chunks/s)%n",
                runtime.kbDir(), secs, report.count(Outcome.ADDED), report.count(Outcome.UPDATED), report.count(Outcome.UNCHANGED),
                report.count(Outcome.REMOVED), report.count(Outcome.FAILED), report.chunksWritten(), report.chunksWritten() / secs);
    }

    private static ObjectNode toJson(IngestReport report, KnowhowRuntime runtime) {
        ObjectNode root = Json.object();
        root.put("kb", runtime.kbDir().toString());
        for (Outcome o : Outcome.values()) root.put(o.name().toLowerCase(), report.count(o));
        root.put("chunks_written", report.chunksWritten());
        root.put("elapsed_ms", report.elapsedMillis());
        ArrayNode files = root.putArray("files");
        for (IngestReport.FileResult f : report.results()) {
            ObjectNode n = files.addObject();
            n.put("source", f.source());
            n.put("outcome", f.outcome().name().toLowerCase());
            n.put("chunks", f.chunks());
            if (f.error() != null) n.put("error", f.error());
        }
        return root;
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
                bar.setExtraMessage(shortName(result.source()));
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
