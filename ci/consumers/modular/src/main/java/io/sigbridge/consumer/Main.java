package io.sigbridge.consumer;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;

/**
 * Registers USR1, has kill(1) send it, and checks the event; also that sigbridge is the named
 * module io.sigbridge exporting its API package only. Exit status 0 and one "OK" line, or 1.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Module sigbridge = Signals.class.getModule();
        check(sigbridge.isNamed() && "io.sigbridge".equals(sigbridge.getName()),
                "sigbridge is the named module io.sigbridge, not " + sigbridge);
        check(sigbridge.isExported("io.sigbridge"), "io.sigbridge is exported");
        check(!sigbridge.isExported("io.sigbridge.internal"), "io.sigbridge.internal is not exported");
        check(Main.class.getModule().isNamed(), "this consumer runs as a named module");

        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        try (Registration r = Signals.handle(Signal.USR1, events::add)) {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid()))
                    .inheritIO().start();
            check(kill.waitFor() == 0, "kill(1) succeeded");
            SignalEvent e = events.poll(20, TimeUnit.SECONDS);
            check(e != null, "the USR1 handler ran");
            check(e.senderPid().orElse(-1) == kill.pid(), "the sender is the kill process: " + e);
        }
        System.out.println("OK modular consumer: USR1 from kill handled in " + sigbridge
                + " on Java " + Runtime.version());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
    }
}
