package httpstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** The same load for every server: C clients POSTing a small JSON body for S seconds; prints req/s, p50, p99. */
public final class Load {
    /** A body the size of a short answer. */
    static final byte[] ANSWER = ("{\"answer\":\"" + "x".repeat(900) + "\",\"abstained\":false,\"citations\":[]}").getBytes();

    static void run(String name, long startupNanos, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/echo");
        once(http, uri, 16, 3);
        double[] r = once(http, uri, 16, 10);
        System.out.printf("| %s | %.0f | %.0f | %.2f | %.2f | %d |%n", name, startupNanos / 1e6, r[0], r[1], r[2], (long) r[3]);
    }

    static double[] once(HttpClient http, URI uri, int clients, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ConcurrentLinkedQueue<Double> lat = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < clients; i++) ts.add(Thread.ofPlatform().start(() -> {
            while (System.nanoTime() < deadline) {
                long t = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"how do I rotate the keys?\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) lat.add((System.nanoTime() - t) / 1e6); else errors.incrementAndGet();
                } catch (Exception e) {
                    if (errors.incrementAndGet() <= 3) System.err.println("error: " + e);
                }
            }
        }));
        for (Thread t : ts) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        double[] v = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[]{v.length / secs, v[v.length / 2], v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.99) - 1)], errors.get()};
    }
}
