package io.knowhow.eval.report;

import io.knowhow.app.json.JsonViews;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.compare.ComparisonReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes {@code --out DIR}: report.html, report.md and report.json. */
public final class ReportFiles {
    private ReportFiles() {}

    public static List<Path> write(Path dir, ComparisonReport r, Advice advice) {
        try {
            Files.createDirectories(dir);
            Path html = dir.resolve("report.html"), md = dir.resolve("report.md"), json = dir.resolve("report.json");
            Files.writeString(html, HtmlReport.render(r, advice), StandardCharsets.UTF_8);
            Files.writeString(md, MarkdownReport.render(r, advice), StandardCharsets.UTF_8);
            Files.writeString(json, JsonViews.pretty(JsonReport.comparison(r, advice)) + "\n", StandardCharsets.UTF_8);
            return List.of(html, md, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }
}
