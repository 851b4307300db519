package io.sigbridge.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.sigbridge.SignalEvent;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The child side of {@link ChildProcess}'s protocol: whole lines on stdout, commands as lines on
 * stdin, and two safety nets so that no child outlives its test: it halts when stdin reaches
 * end of file (the test JVM is gone) and after {@link #LIFETIME_SECONDS} in any case.
 */
final class ChildIo {
    static final long LIFETIME_SECONDS = 60;
    /** Exit statuses that tell the test what went wrong in the child. */
    static final int EXIT_TIMEOUT = 3;
    static final int EXIT_FAILED = 4;
    static final int EXIT_ORPHANED = 98;
    static final int EXIT_LIFETIME = 97;

    private static final BlockingQueue<String> COMMANDS = new LinkedBlockingQueue<>();
    private static final String EOF = new String("<eof>");

    private ChildIo() {}

    /** Prints one protocol line in a single write. */
    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Starts the stdin reader and the lifetime guard, then announces readiness. */
    static void ready() {
        Thread reader = new Thread(ChildIo::readCommands, "child-stdin");
        reader.setDaemon(true);
        reader.start();
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(LIFETIME_SECONDS));
            } catch (InterruptedException e) {
                return;
            }
            say("LIFETIME exceeded");
            Runtime.getRuntime().halt(EXIT_LIFETIME);
        }, "child-lifetime");
        guard.setDaemon(true);
        guard.start();
        say("READY " + ProcessHandle.current().pid());
    }

    private static void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                COMMANDS.add(line.trim());
            }
        } catch (IOException e) {
            // treated as end of file
        }
        COMMANDS.add(EOF);
    }

    /** The next command line from the test; exits the child on end of file or after 30 s. */
    static String command() throws InterruptedException {
        String line = COMMANDS.poll(ChildProcess.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (line == null) {
            say("TIMEOUT waiting for a command");
            System.exit(EXIT_TIMEOUT);
        }
        if (line == EOF) {
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }
        return line;
    }

    /** Waits ({@link ChildProcess#WAIT}) for {@code latch}; otherwise says {@code timeoutLine} and exits. */
    static void awaitOrExit(CountDownLatch latch, String timeoutLine) throws InterruptedException {
        if (!latch.await(ChildProcess.WAIT.toSeconds(), TimeUnit.SECONDS)) {
            say(timeoutLine);
            System.exit(EXIT_TIMEOUT);
        }
    }

    /** Blocks until the test sends a command, which is not expected: the child should die first. */
    static void awaitDeath() throws InterruptedException {
        String unexpected = command();
        say("UNEXPECTED command " + unexpected + ": the child should have ended by now");
        System.exit(EXIT_FAILED);
    }

    /** The fields of an event that the tests look at, as key=value words. */
    static String describe(SignalEvent e) {
        return "signal=" + e.signal().name() + " sender=" + e.senderPid().orElse(-1) + " code=" + e.code()
                + " value=" + (e.value().isPresent() ? Integer.toString(e.value().getAsInt()) : "none")
                + " thread=" + Thread.currentThread().getName();
    }
}
