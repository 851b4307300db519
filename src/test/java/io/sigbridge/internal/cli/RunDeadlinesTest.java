package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.FaultReporter;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.testsupport.ChildProcess;

/**
 * What {@code run} does on its own clock (issue 10 points 6 and 7), beyond RunCommandTest's:
 * a held signal going on when its --delay is over, --timeout with --dump on a JVM that writes
 * its dump with FaultReporter and ignores TERM (so the KILL after --grace has to end it), and a
 * stopped leftover of the group, which would never act on TERM without a CONT. Only lower
 * bounds are asserted on times: a loaded machine can make them longer, never shorter.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunDeadlinesTest {
    /** --delay TERM:1s: a USR1 sent after the TERM overtakes it; the TERM goes on a second later. */
    @Test
    void aHeldSignalGoesOnWhenItsDelayIsOver() throws Exception {
        try (ChildProcess s = RunJar.start("--delay", "TERM:1s", "--", probe(), "signals", "--stamp")) {
            s.awaitPid("ready");
            long sent = System.nanoTime(); // CLOCK_MONOTONIC, the probe's stamp
            s.send("TERM");
            s.send("USR1");
            assertEquals("10", s.nextLine().split(" ")[0], "USR1 is not held");
            String[] term = s.nextLine().split(" ");
            assertEquals("15", term[0]);
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(Long.parseLong(term[1]) - sent);
            assertTrue(heldMillis >= 1000, "TERM held " + heldMillis + " ms, not the 1 s asked");
            assertTrue(RunJar.exists(s.pid()), "run goes on: the child took the TERM and lives");
        }
    }

    /**
     * --timeout 4s --dump USR1:1s --grace 1s on a JVM that dumps its threads with
     * FaultReporter.dumpOn(USR1, file) and consumes TERM: the dump file is written, TERM comes
     * after it and is ignored, KILL ends the JVM after the grace, run exits 124.
     */
    @Test
    void aTimeoutDumpsThenTermsThenKillsAfterTheGrace(@TempDir Path dir) throws Exception {
        Path dumpFile = dir.resolve("dump.txt");
        try (ChildProcess s = RunJar.start("--verbose", "--timeout", "4s", "--dump", "USR1:1s", "--grace", "1s", "--",
                TestProcesses.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                DumpingJvm.class.getName(), dumpFile.toString())) {
            long jvm = s.awaitNumber("ready");
            s.killOnClose(jvm);
            assertEquals("USR1", s.nextLine(), "the dump signal came first; " + s);
            s.awaitExactly("TERM consumed"); // USR1 (and TERM) come twice: to the tree and to the group
            s.assertExit(124);
            String dump = Files.readString(dumpFile);
            assertTrue(dump.contains("\"main\""), "the JVM's dump has its main thread: " + dump);
            assertTrue(!RunJar.exists(jvm) || RunJar.state(jvm) == 'Z', "the JVM was killed");
            assertTrue(s.stderrLines().contains("sigbridge run: timed out after 4000 ms: SIGUSR1 to every process of the tree,"
                    + " TERM 1000 ms later"), s.toString());
            assertTrue(s.stderrLines().contains("sigbridge run: grace of 1000 ms over: KILL"), s.toString());
        }
    }

    /** The JVM of the timeout test: dumps on USR1 into a file, says so, consumes TERM. */
    static final class DumpingJvm {
        public static void main(String[] args) throws Exception {
            PrintStream file = new PrintStream(Files.newOutputStream(Path.of(args[0])), true, StandardCharsets.UTF_8);
            FaultReporter.dumpOn(Signal.USR1, file);
            Signals.handle(Signal.USR1, e -> say("USR1")); // after the dump: handlers run in order
            Signals.handle(Signal.TERM, e -> say("TERM consumed"));
            say("ready " + ProcessHandle.current().pid());
            Thread.sleep(Long.MAX_VALUE);
        }

        private static synchronized void say(String line) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /**
     * The group outlives its leader, and one of the rest is stopped: run sends the group TERM
     * and the stopped one CONT, so it takes the TERM (the probe prints both); the KILL after
     * the grace ends it, as it does not end on TERM.
     */
    @Test
    void aStoppedLeftoverIsContinuedToTakeItsTerm() throws Exception {
        try (ChildProcess s = RunJar.start("--grace", "500ms", "--", "sh", "-c",
                "echo leader $$; " + probe() + " signals & wait")) {
            long leader = s.awaitNumber("leader");
            long left = s.awaitPid("ready");
            Signals.send(left, Signal.named("STOP"));
            await("the leftover stopped", () -> RunJar.state(left) == 'T');
            Signals.send(leader, Signal.named("KILL"));
            Set<String> got = new TreeSet<>(List.of(s.nextLine(), s.nextLine()));
            assertEquals(Set.of("15", "18"), got, "TERM and CONT reached the stopped leftover; " + s);
            s.assertExit(137);
            assertTrue(!RunJar.exists(left) || RunJar.state(left) == 'Z', "killed after the grace");
        }
    }
}
