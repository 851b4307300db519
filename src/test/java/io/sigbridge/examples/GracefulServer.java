package io.sigbridge.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.sigbridge.Shutdown;

/**
 * The worked example of the README's "Graceful shutdown in Kubernetes": an HTTP service whose
 * {@code /work} takes 3 s, stopped by TERM without failing a request in flight.
 * {@code java -cp ... io.sigbridge.examples.GracefulServer [port]}
 */
public final class GracefulServer {
    private static volatile boolean accepting = true;
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    private GracefulServer() {}

    public static void main(String[] args) throws Exception {
        Shutdown.installEarly(); // first line: a TERM during start-up waits for the phases

        HttpServer server = HttpServer.create(new InetSocketAddress(
                args.length > 0 ? Integer.parseInt(args[0]) : 8080), 0);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        server.setExecutor(workers);
        server.createContext("/work", exchange -> {
            IN_FLIGHT.incrementAndGet();
            try {
                if (!accepting) {
                    respond(exchange, 503, "shutting down\n");
                    return;
                }
                Thread.sleep(3000);
                respond(exchange, 200, "done\n");
            } catch (InterruptedException e) {
                respond(exchange, 500, "interrupted\n");
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
        });
        server.start();
        System.out.println("listening on port " + server.getAddress().getPort()
                + ", pid " + ProcessHandle.current().pid());

        Shutdown.builder()
                .delay(Duration.ofSeconds(5)) // endpoints and load balancers stop sending to us
                .phase("stop-accepting", Duration.ofSeconds(1), e -> accepting = false)
                .phase("drain", Duration.ofSeconds(20), e -> {
                    while (IN_FLIGHT.get() > 0) {
                        Thread.sleep(50);
                    }
                })
                .phase("close", Duration.ofSeconds(2), e -> {
                    server.stop(0);
                    workers.shutdownNow();
                })
                .deadline(Duration.ofSeconds(28)) // below terminationGracePeriodSeconds: 30
                .exitStatus(0)
                .install();
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        System.out.println(exchange.getRequestURI() + " -> " + status);
    }
}
