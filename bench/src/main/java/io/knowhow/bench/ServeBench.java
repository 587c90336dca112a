package io.knowhow.bench;

import io.knowhow.app.AskRequest;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.server.KnowhowServer;
import io.knowhow.server.ServerSettings;
import io.knowhow.server.auth.ApiKeys;
import io.knowhow.server.auth.Scope;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code knowhow serve} under load: C concurrent clients asking for S seconds against a knowledge base of at least
 * 50,000 chunks (SQuAD v1.1 dev paragraphs + SciFact abstracts, cut into small chunks), with the extractive generator.
 * Runs, each reporting requests, errors, throughput and p50/p99 latency: the same {@code ask} in-process (the
 * baseline) and over HTTP, alternated A B B A because the shared machine's load swings; then over HTTP while an ingest
 * job of 1,000 documents runs, and while a fine-tuning job (encoder classifier on a Banking77 sample) runs. The server runs in this JVM on loopback, its clients too.
 *
 * <p>Run: {@code bench/run ServeBench [--data ../shared/data] [--work bench/target/serve] [--clients 16] [--seconds 60]
 * [--chunk-tokens 40]}. The knowledge base is built once and reused.
 */
public final class ServeBench {
    record Run(String name, long ok, long errors, double seconds, double p50, double p99, String note) {
        double throughput() {
            return ok / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        Path work = Path.of(opt.getOrDefault("work", "bench/target/serve"));
        int clients = Integer.parseInt(opt.getOrDefault("clients", "16"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        String chunkTokens = opt.getOrDefault("chunk-tokens", "40");
        Path kbDir = work.resolve("kb");
        Squad squad = Squad.load(data.resolve("squad-v1.1-dev/dev-v1.1.json"));
        List<String> questions = squad.questions().stream().map(Squad.Question::text).toList();

        if (!Files.exists(kbDir.resolve("index"))) build(data, work, kbDir, chunkTokens, squad);
        ApiKeys keys = new ApiKeys(kbDir);
        for (ApiKeys.KeyInfo k : keys.list()) keys.revoke(k.name());
        String readKey = keys.create("bench-reader", Scope.READ, Set.of()).key();
        String adminKey = keys.create("bench-admin", Scope.ADMIN, Set.of()).key();

        List<Run> runs = new ArrayList<>();
        try (Knowhow kb = Knowhow.builder(kbDir).build()) {
            long chunks = kb.sources(Reader.unrestricted()).stream().mapToLong(SourceRecord::chunkCount).sum();
            System.out.printf(Locale.ROOT, "knowledge base %s: %,d sources, %,d chunks%n", kbDir, kb.sources(Reader.unrestricted()).size(), chunks);
            System.out.println("load before: " + uptime());
            Probe inProcess = q -> kb.ask(q, AskRequest.by(Reader.anonymous())) != null;
            ServerSettings settings = ServerSettings.fromConfig(kb.config()).withHost("127.0.0.1").withPort(0).withRatePerMinute(0);
            long t0 = System.nanoTime();
            KnowhowServer server = KnowhowServer.start(kb, settings, new PrintStream(Files.newOutputStream(work.resolve("server.log"))));
            System.out.printf(Locale.ROOT, "server started in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            server.warmUp();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            URI ask = server.uri().resolve("api/ask");
            Probe viaHttp = q -> {
                HttpRequest r = HttpRequest.newBuilder(ask).header("Authorization", "Bearer " + readKey).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.ofString(JsonViews.compact(JsonViews.object().put("question", q)))).build();
                HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
                return resp.statusCode() == 200 && resp.body().startsWith("{\"answer\"");
            };
            load("in-process warm-up", clients, 15, questions, inProcess);
            load("HTTP warm-up", clients, 15, questions, viaHttp);
            // Other workers share the machine and its load swings within a minute: in-process and HTTP runs alternate
            // (A B B A) and the ratio is taken over both pairs.
            runs.add(load("in-process ask (1)", clients, seconds, questions, inProcess));
            runs.add(load("HTTP POST /api/ask (1)", clients, seconds, questions, viaHttp));
            runs.add(load("HTTP POST /api/ask (2)", clients, seconds, questions, viaHttp));
            runs.add(load("in-process ask (2)", clients, seconds, questions, inProcess));

            Path batch = work.resolve("ingest-1000");
            writeIngestBatch(squad, batch);
            String job = submit(http, server.uri().resolve("api/ingest"), adminKey, "{\"paths\": [\"" + batch.toAbsolutePath() + "\"], \"public\": true}");
            Run during = load("HTTP ask during an ingest of 1,000 documents", clients, seconds, questions, viaHttp);
            runs.add(new Run(during.name(), during.ok(), during.errors(), during.seconds(), during.p50(), during.p99(),
                    during.note() + "; ingest job " + jobState(http, server.uri(), adminKey, job)));
            awaitJob(http, server.uri(), adminKey, job);

            Path csv = work.resolve("banking77-sample.csv");
            deleteTree(kbDir.resolve("classifiers"));
            List<String> lines = Files.readAllLines(data.resolve("banking77/train.csv"));
            Files.write(csv, lines.subList(0, Math.min(lines.size(), 3001)));
            String tune = submit(http, server.uri().resolve("api/tune"), adminKey, "{\"task\": \"classify\", \"data\": \"" + csv.toAbsolutePath()
                    + "\", \"method\": \"frozen\", \"epochs\": 3, \"activate\": false}");
            Run tuning = load("HTTP ask during a fine-tuning job (classify, 3,000 rows)", clients, seconds, questions, viaHttp);
            runs.add(new Run(tuning.name(), tuning.ok(), tuning.errors(), tuning.seconds(), tuning.p50(), tuning.p99(),
                    tuning.note() + "; tune job " + jobState(http, server.uri(), adminKey, tune)));
            awaitJob(http, server.uri(), adminKey, tune);
            server.close();
        }
        System.out.printf(Locale.ROOT, "%n## knowhow serve under load: %d clients, %d s per run, extractive generator%n%n", clients, seconds);
        System.out.println("| run | requests ok | errors | req/s | p50 ms | p99 ms | load average (1, 5, 15 min) at start → end |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Run r : runs)
            System.out.printf(Locale.ROOT, "| %s | %,d | %d | %.1f | %.1f | %.1f | %s |%n", r.name(), r.ok(), r.errors(), r.throughput(), r.p50(), r.p99(), r.note());
        double ip = (runs.get(0).ok() + runs.get(3).ok()) / (runs.get(0).seconds() + runs.get(3).seconds());
        double hp = (runs.get(1).ok() + runs.get(2).ok()) / (runs.get(1).seconds() + runs.get(2).seconds());
        System.out.printf(Locale.ROOT, "%nHTTP throughput / in-process throughput over both pairs: %.2f; p50 ratios %.2f and %.2f%n",
                hp / ip, runs.get(1).p50() / runs.get(0).p50(), runs.get(2).p50() / runs.get(3).p50());
    }

    @FunctionalInterface
    interface Probe {
        boolean ask(String question) throws Exception;
    }

    static Run load(String name, int clients, int seconds, List<String> questions, Probe probe) throws InterruptedException {
        String before = uptime();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < deadline) {
                    String q = questions.get(Math.floorMod(next.getAndIncrement() * 7919, questions.size()));
                    long t = System.nanoTime();
                    try {
                        if (probe.ask(q)) latencies.add((System.nanoTime() - t) / 1e6);
                        else errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        Run r = new Run(name, lat.length, errors.get(), elapsed, Metrics.percentile(lat, 50), Metrics.percentile(lat, 99), before + " → " + uptime());
        System.out.printf(Locale.ROOT, "%s: %,d ok, %d errors, %.1f req/s, p50 %.1f ms, p99 %.1f ms (%s)%n", name, r.ok(), r.errors(),
                r.throughput(), r.p50(), r.p99(), r.note());
        return r;
    }

    /** SQuAD paragraphs and SciFact abstracts as files, ingested with small chunks so the index holds 50,000 or more. */
    static void build(Path data, Path work, Path kbDir, String chunkTokens, Squad squad) throws IOException {
        Files.createDirectories(kbDir);
        Files.writeString(kbDir.resolve("config.yaml"), "chunk.max-tokens: \"" + chunkTokens + "\"\nchunk.overlap-tokens: \"0\"\n");
        List<Path> squadFiles = squad.writeParagraphs(work.resolve("docs/squad"));
        SciFactFiles scifact = SciFactFiles.write(data.resolve("scifact"), work.resolve("docs/scifact"));
        try (Knowhow kb = Knowhow.builder(kbDir).build()) {
            long t0 = System.nanoTime();
            IngestReport r = kb.ingest(IngestRequest.of(work.resolve("docs")), IngestListener.NONE);
            System.out.printf(Locale.ROOT, "built %s: %d files (%d SQuAD, %d SciFact), %,d chunks in %.0f s%n", kbDir, r.results().size(),
                    squadFiles.size(), scifact.files().size(), r.chunksWritten(), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** 1,000 new documents: SQuAD paragraphs under new names, so each is an addition. */
    static final long RUN = System.currentTimeMillis();

    static void writeIngestBatch(Squad squad, Path dir) throws IOException {
        if (Files.exists(dir)) try (var w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(dir);
        for (int i = 0; i < 1000; i++) {
            Squad.Paragraph p = squad.paragraphs().get(i % squad.paragraphs().size());
            // A new first line each run: on a second run the 1,000 files are replaced (the same work) rather than unchanged.
            Files.writeString(dir.resolve("batch-" + i + ".txt"), "Batch document " + i + " of run " + RUN + ". " + p.context());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    static String submit(HttpClient http, URI uri, String key, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException("job not accepted: " + r.statusCode() + " " + r.body());
        return JsonViews.MAPPER.readTree(r.body()).path("job").path("id").asText();
    }

    static String jobState(HttpClient http, URI base, String key, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("api/jobs/" + id)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        var job = JsonViews.MAPPER.readTree(r.body()).path("job");
        return job.path("state").asText() + " at the end of the run (" + job.path("progress").path("done").asLong() + "/"
                + job.path("progress").path("total").asLong() + ")";
    }

    static void awaitJob(HttpClient http, URI base, String key, String id) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("api/jobs/" + id)).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            var job = JsonViews.MAPPER.readTree(r.body()).path("job");
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                System.out.printf(Locale.ROOT, "job %s %s after %.0f more s: %s%n", id, state, (System.nanoTime() - t0) / 1e9,
                        job.has("error") ? job.path("error") : job.path("result").path("elapsed_ms").isMissingNode() ? job.path("result").path("elapsed_s") : job.path("result").path("elapsed_ms"));
                return;
            }
            Thread.sleep(1000);
        }
    }

    static String uptime() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).strip();
            String[] f = s.split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "load ?";
        }
    }
}
