package httpstack;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** com.sun.net.httpserver with a virtual thread per request: what knowhow-server uses. */
public final class JdkEcho {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/echo", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, Load.ANSWER.length);
            ex.getResponseBody().write(Load.ANSWER);
            ex.close();
        });
        s.start();
        long started = System.nanoTime() - t0;
        Load.run("JDK HttpServer + virtual threads", started, s.getAddress().getPort());
        s.stop(0);
        System.exit(0);
    }
}
