package httpstack;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

/** Helidon SE 4 (its own virtual-thread server). */
public final class HelidonEcho {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        WebServer s = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.post("/echo", (req, res) -> {
                    req.content().as(byte[].class);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Load.ANSWER);
                })).build().start();
        long started = System.nanoTime() - t0;
        Load.run("Helidon SE 4.5.0", started, s.port());
        s.stop();
        System.exit(0);
    }
}
