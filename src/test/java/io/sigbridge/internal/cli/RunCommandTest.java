package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sigbridge.TestProcesses;
import io.sigbridge.internal.ProcessTable;

/** {@code sigbridge run} in a real child JVM, under real {@code kill}. */
class RunCommandTest {
    private final List<Process> supervisors = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        supervisors.forEach(Process::destroyForcibly);
    }

    /** A running supervisor and the lines its child printed so far. */
    private final class Supervisor {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Supervisor(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(TestProcesses.javaCommand());
            cmd.add("-Xcheck:jni");
            cmd.add("-cp");
            cmd.add(System.getProperty("sigbridge.test.classes"));
            cmd.add(Main.class.getName());
            cmd.add("run");
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            supervisors.add(process);
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            });
            reader.start();
        }

        void awaitLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
                assertTrue(System.nanoTime() < deadline, "no line '" + prefix + "' in " + lines);
                Thread.sleep(5);
            }
        }

        String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        }

        /** Waits for the line "PREFIX N" and returns N (a pid the child's shell printed). */
        long awaitNumber(String prefix) throws InterruptedException {
            awaitLine(prefix);
            return Long.parseLong(line(prefix).split(" ")[1]);
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "supervisor ended; output " + lines);
            reader.join(TimeUnit.SECONDS.toMillis(30));
            return process.exitValue();
        }

        void kill(String signal) throws Exception {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertTrue(k.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, k.exitValue(), "kill -" + signal + " succeeded");
        }
    }

    @Test
    void termIsForwardedAndTheChildsTrapStatusIsTheSupervisorsStatus() throws Exception {
        Supervisor s = new Supervisor("--grace", "20s", "--", "sh", "-c",
                "trap 'echo trapped TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done");
        s.awaitLine("ready");
        s.kill("TERM");
        assertEquals(3, s.exit(), "output " + s.lines);
        assertTrue(s.lines.contains("trapped TERM"), s.lines.toString());
    }

    @Test
    void aChildThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        Supervisor s = new Supervisor("--grace", "300ms", "--", "sh", "-c",
                "trap '' TERM; echo ready $$; sleep 1000");
        long child = s.awaitNumber("ready");
        s.kill("TERM");
        assertEquals(137, s.exit(), "output " + s.lines);
        assertTrue(ProcessTable.runningMembers(child).isEmpty(), "nothing of the group is left");
    }

    @Test
    void aBurstOfUsr1IsForwarded() throws Exception {
        Supervisor s = new Supervisor("--", "sh", "-c",
                "trap 'echo got USR1' USR1; trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done");
        s.awaitLine("ready");
        for (int i = 0; i < 20; i++) {
            s.kill("USR1");
        }
        s.awaitLine("got USR1"); // standard signals merge while pending: at least one, at most 20
        s.kill("TERM");
        assertEquals(0, s.exit(), "output " + s.lines);
        long got = s.lines.stream().filter("got USR1"::equals).count();
        assertTrue(got >= 1 && got <= 20, got + " USR1 traps ran");
    }

    @Test
    void quitAndUsr2AreForwardedTooAndThePidStaysTheSame() throws Exception {
        Supervisor s = new Supervisor("--", "sh", "-c",
                "trap 'echo got QUIT' QUIT; trap 'echo got USR2' USR2; trap 'exit 0' TERM;"
                        + " echo ready $PPID; while :; do sleep 0.05; done");
        // The supervisor restarted itself with -Xrs to free QUIT and USR2, in place: same pid.
        assertEquals(s.process.pid(), s.awaitNumber("ready"));
        s.kill("QUIT");
        s.awaitLine("got QUIT");
        s.kill("USR2");
        s.awaitLine("got USR2");
        s.kill("TERM");
        assertEquals(0, s.exit(), "output " + s.lines);
    }

    @Test
    void aChildKilledBySigkillGives137() throws Exception {
        Supervisor s = new Supervisor("--", "sh", "-c", "kill -KILL $$");
        assertEquals(137, s.exit(), "output " + s.lines);
    }

    @Test
    void orphansOfTheChildAreEndedAndReaped() throws Exception {
        Supervisor s = new Supervisor("--grace", "2s", "--", "sh", "-c",
                "sleep 1000 & echo orphan $!; exit 4");
        long orphan = s.awaitNumber("orphan");
        assertEquals(4, s.exit(), "output " + s.lines);
        // Gone means ended and reaped: no /proc entry at all. (PID 1 in a container may never
        // reap a zombie handed to it, so only the supervisor's own reaping makes this hold.)
        assertFalse(ProcessTable.isRunning(orphan), "the orphaned sleep " + orphan + " still runs");
        assertTrue(ProcessTable.read(orphan).isEmpty(), "the orphaned sleep " + orphan
                + " was left unreaped: state " + ProcessTable.read(orphan).map(e -> e.state + " ppid " + e.parentPid));
    }

    @Test
    void usageErrorsExitWith2AndAMissingCommandWith127() throws Exception {
        assertEquals(2, new Supervisor().exit());
        assertEquals(2, new Supervisor("--grace", "0s", "--", "true").exit());
        Supervisor missing = new Supervisor("--", "/no/such/program");
        assertEquals(127, missing.exit());
        assertTrue(missing.lines.stream().anyMatch(l -> l.contains("/no/such/program")), missing.lines.toString());
    }
}
