package httpstack;

import io.javalin.Javalin;

/** Javalin 6 (Jetty 11). */
public final class JavalinEcho {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Javalin app = Javalin.create(c -> c.showJavalinBanner = false)
                .post("/echo", ctx -> {
                    ctx.bodyAsBytes();
                    ctx.contentType("application/json").result(Load.ANSWER);
                }).start("127.0.0.1", 0);
        long started = System.nanoTime() - t0;
        Load.run("Javalin 6.7.0 (Jetty 11)", started, app.port());
        app.stop();
        System.exit(0);
    }
}
