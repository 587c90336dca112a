package io.knowhow.server;

import io.knowhow.app.Knowhow;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.server.jobs.Jobs;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * What {@code /metrics} shows, in Prometheus' text format: requests and their latency per route, retrieval and
 * generation time, the index's size and the job queue. Routes are labelled by template ({@code /api/jobs/{id}}),
 * so label values stay few whatever the clients send.
 */
final class ServerMetrics {
    private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram latency;
    private final Histogram retrieval;
    private final Histogram generation;

    ServerMetrics(Knowhow kb, Jobs jobs) {
        requests = Counter.builder().name("knowhow_http_requests").help("HTTP requests by route template, method and status")
                .labelNames("route", "method", "status").register(registry);
        latency = Histogram.builder().name("knowhow_http_request_duration_seconds").help("time to answer a request, by route template")
                .labelNames("route", "method").classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        retrieval = Histogram.builder().name("knowhow_retrieval_duration_seconds").help("query embedding and retrieval time of an answer")
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        generation = Histogram.builder().name("knowhow_generation_duration_seconds").help("generation time of an answer")
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        GaugeWithCallback.builder().name("knowhow_index_chunks").help("chunks in the knowledge base (every access group)")
                .callback(cb -> cb.call(indexSize(kb, true))).register(registry);
        GaugeWithCallback.builder().name("knowhow_index_sources").help("sources in the knowledge base (every access group)")
                .callback(cb -> cb.call(indexSize(kb, false))).register(registry);
        GaugeWithCallback.builder().name("knowhow_jobs_pending").help("jobs queued or running, by lane (write: ingest, tune: fine-tuning)")
                .labelNames("lane").callback(cb -> {
                    for (Jobs.Lane lane : Jobs.Lane.values()) cb.call(jobs.pending(lane), lane.name().toLowerCase(java.util.Locale.ROOT));
                }).register(registry);
    }

    void request(String route, String method, int status, double seconds) {
        requests.labelValues(route, method, Integer.toString(status)).inc();
        latency.labelValues(route, method).observe(seconds);
    }

    void answer(Answer a) {
        double r = a.timingsMs().getOrDefault("embed", 0.0) + a.timingsMs().getOrDefault("retrieve", 0.0);
        if (a.timingsMs().containsKey("retrieve")) retrieval.observe(r / 1000.0);
        Double g = a.timingsMs().get("generate");
        if (g != null) generation.observe(g / 1000.0);
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    private static double indexSize(Knowhow kb, boolean chunks) {
        try {
            if (!kb.exists()) return 0;
            List<SourceRecord> all = kb.sources(Reader.unrestricted());
            return chunks ? all.stream().mapToLong(SourceRecord::chunkCount).sum() : all.size();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
