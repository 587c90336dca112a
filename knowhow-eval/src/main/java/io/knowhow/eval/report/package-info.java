/**
 * The reports of {@code eval compare} and {@code advise}: {@link io.knowhow.eval.report.JsonReport} (the
 * {@code --json} shapes and report.json), {@link io.knowhow.eval.report.MarkdownReport} (report.md, with the
 * reference's eight-row table and the measured value beside each row) and {@link io.knowhow.eval.report.HtmlReport}
 * (one self-contained page: inline CSS and SVG, no external asset).
 */
package io.knowhow.eval.report;
