package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.internal.PlatformSignals;
import io.sigbridge.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;

/** The command-line tool: list and send in-process, watch in a child JVM. */
class CliSmokeTest {
    private static final class Run {
        final int status;
        final String out;
        final String err;

        Run(List<String> args) throws Exception {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                 PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
                status = Main.run(args, po, pe);
            }
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void listPrintsEveryStandardSignalWithItsStatus() throws Exception {
        Run run = new Run(List.of("list"));
        assertEquals(0, run.status, run.err);
        List<String> lines = run.out.lines().toList();
        for (Map.Entry<String, Integer> e : PlatformSignals.standard().entrySet()) {
            Signal s = Signal.named(e.getKey());
            Optional<String> reason = Signals.reservation(s);
            String line = lines.stream().filter(l -> l.matches("\\s*" + e.getValue() + "\\s+SIG"
                    + e.getKey() + "\\s.*")).findFirst().orElse(null);
            assertTrue(line != null, "no line for SIG" + e.getKey() + " in\n" + run.out);
            String expected = reason.map(r -> "reserved: " + r).orElse("usable");
            assertTrue(line.endsWith(expected), line + " should end with " + expected);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("SIGKILL") && l.contains("reserved:")), run.out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("SIGUSR1") && l.endsWith("usable")), run.out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("SIGQUIT") && l.contains("reserved:")),
                "QUIT is the JVM's without -Xrs:\n" + run.out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("SIGRTMIN+0") && l.endsWith("usable")), run.out);
        assertEquals(1 + Signal.all().size(), lines.size(), "a header and one line per signal");
    }

    @Test
    void sendWithBadArgumentsExitsWithTwo() throws Exception {
        for (List<String> args : List.of(List.of("send"), List.of("send", "123"),
                List.of("send", "abc", "USR1"), List.of("send", "123", "NOPE"),
                List.of("send", "123", "USR1", "x"), List.of("send", "1", "2", "3", "4"),
                List.of("send", "123", "999"))) {
            Run run = new Run(args);
            assertEquals(2, run.status, args + ": " + run.out + run.err);
            assertTrue(run.err.startsWith("sigbridge send: "), args + ": " + run.err);
        }
        assertEquals(2, new Run(List.of()).status, "no command");
        assertEquals(2, new Run(List.of("frobnicate")).status, "unknown command");
    }

    /**
     * {@code watch --for 2s USR1} in a child JVM, signalled by a shell's {@code kill -USR1} while
     * that shell stays alive (blocked reading its stdin), so that the watcher can name it.
     */
    @Test
    void watchPrintsTheSendersPidAndCommand() throws Exception {
        try (ChildProcess watch = ChildProcess.java(Main.class).classPath(TestProcesses.classes().toString())
                .args("watch", "--for", "2s", "USR1").mergeStderr().start()) {
            watch.awaitOutput("watching pid " + watch.pid());
            try (ChildProcess sender = ChildProcess.command("sh", "-c",
                    "kill -USR1 " + watch.pid() + " && read ignored").mergeStderr().start()) {
                String command = sender.process().info().command().orElse("?");
                int status = watch.awaitExit();
                String out = watch.output();
                assertEquals(0, status, out);
                String line = out.lines().filter(l -> l.contains("SIGUSR1")).findFirst().orElse(null);
                assertTrue(line != null, "no SIGUSR1 line in\n" + out);
                assertTrue(line.contains("pid=" + sender.pid() + " (" + command + ")"),
                        "line '" + line + "' should name the sender " + sender.pid() + " (" + command + ")");
                assertTrue(line.contains("uid=" + TestProcesses.ourUid()), line);
                assertTrue(line.contains("code=SI_USER"), line);
            }
        }
    }

    /** {@code watch} without {@code --for} stops on the second Ctrl-C (SIGINT), not the first. */
    @Test
    void watchStopsOnTheSecondInterrupt() throws Exception {
        try (ChildProcess watch = ChildProcess.java(Main.class).classPath(TestProcesses.classes().toString())
                .args("watch", "USR1").mergeStderr().start()) {
            watch.awaitOutput("watching pid " + watch.pid());
            kill("INT", watch.pid());
            watch.awaitOutput("SIGINT"); // standard signals merge while pending: one at a time
            assertTrue(watch.process().isAlive(), "one Ctrl-C does not stop the watch: " + watch.output());
            kill("INT", watch.pid());
            assertEquals(0, watch.awaitExit(), watch.output());
            assertEquals(2, watch.output().lines().filter(l -> l.contains("SIGINT")).count(), watch.output());
        }
    }

    private static void kill(String signal, long pid) throws Exception {
        ChildProcess.runToSuccess("kill", "-" + signal, Long.toString(pid));
    }
}
