package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.internal.ProcessTable;
import io.sigbridge.testsupport.ChildProcess;

/** Real children in real process groups: interrupt, terminate, escalate, redirects, bad input. */
class ProcessGroupsTest {
    private final List<ChildProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(ChildProcess::close); // the groups too
    }

    /**
     * A shell as a new group's leader. Through {@code env --default-signal=INT}: a JVM started in
     * the background by a non-interactive shell (as CI may start it) inherits SIGINT ignored, its
     * children too, and a shell cannot trap a signal that was ignored when it started.
     */
    private static ChildProcess.Builder shell(String script) {
        return ChildProcess.command("env", "--default-signal=INT", "sh", "-c", script);
    }

    /** {@code ProcessGroups.start} of the shell, ended with its group after the test. */
    private Process start(String script) throws IOException {
        return startChild(shell(script).inNewGroup()).process();
    }

    private ChildProcess startChild(ChildProcess.Builder builder) throws IOException {
        ChildProcess c = builder.start();
        started.add(c);
        return c;
    }

    /**
     * Waits until the group's shell runs its foreground {@code sleep}: until then the forked
     * child is still a copy of the shell with the shell's traps, and a signal it takes there is
     * swallowed (the shell would then wait for a sleep that never got the signal).
     */
    private static void awaitSleepingGrandchild(long pgid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessTable.runningMembers(pgid).stream().noneMatch(pid -> pid != pgid && "sleep".equals(comm(pid)))) {
            assertTrue(System.nanoTime() < deadline, "group " + pgid + " never ran its sleep: "
                    + ProcessTable.runningMembers(pgid));
            Thread.sleep(5);
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitGroupGone(long pgid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ProcessTable.runningMembers(pgid).isEmpty()) {
            assertTrue(System.nanoTime() < deadline,
                    "members of group " + pgid + " still running: " + ProcessTable.runningMembers(pgid));
            Thread.sleep(5);
        }
    }

    @Test
    void childLeadsANewGroupAndKeepsItsPid() throws Exception {
        ChildProcess c = startChild(shell("echo $$; ps -o pgid= -p $$").inNewGroup());
        Process p = c.process();
        c.awaitExit();
        List<String> lines = c.stdoutLines();
        assertEquals(Long.toString(p.pid()), lines.get(0).trim(), "the shell's $$ is the Process pid");
        assertEquals(Long.toString(p.pid()), lines.get(1).trim(), "it leads a group of its own number");
        assertTrue(ProcessGroups.isGroupLeader(p));
    }

    @Test
    void interruptReachesTheWholeGroupAndTheTrapStatusComesBack() throws Exception {
        Process p = start("trap 'exit 7' INT; sleep 1000; exit 0");
        awaitSleepingGrandchild(p.pid()); // sh and its foreground sleep, the grandchild
        ProcessGroups.interrupt(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the shell ended");
        assertEquals(7, p.exitValue(), "the INT trap ran");
        awaitGroupGone(p.pid());
    }

    @Test
    void terminateEndsGracefullyWhenTheChildObeys() throws Exception {
        Process p = start("trap 'exit 9' TERM; sleep 1000; exit 0");
        awaitSleepingGrandchild(p.pid());
        Termination t = ProcessGroups.terminate(p, Duration.ofSeconds(20)).get(60, TimeUnit.SECONDS);
        assertEquals(9, t.exitStatus());
        assertTrue(t.endedGracefully(), t.toString());
        assertFalse(t.wasKilled());
        assertEquals(Optional.empty(), t.signal());
        assertEquals(p.pid(), t.pid());
        assertTrue(ProcessTable.runningMembers(p.pid()).isEmpty(), "no group member left");
    }

    @Test
    void terminateKillsTheGroupAfterTheGraceWhenTermIsIgnored() throws Exception {
        // An ignored signal stays ignored across fork and exec: the sleep ignores TERM as well.
        Process p = start("trap '' TERM; sleep 1000; exit 0");
        awaitSleepingGrandchild(p.pid());
        Termination t = ProcessGroups.terminate(p, Duration.ofMillis(300)).get(60, TimeUnit.SECONDS);
        assertTrue(t.wasKilled(), t.toString());
        assertEquals(137, t.exitStatus());
        assertEquals(Optional.of(Signal.named("KILL")), t.signal());
        assertTrue(t.elapsed().compareTo(Duration.ofMillis(300)) >= 0, "killed only after the grace");
        assertTrue(ProcessTable.runningMembers(p.pid()).isEmpty(), "no group member left");
    }

    @Test
    void redirectsEnvironmentAndDirectoryAreHonoured(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "from stdin\n");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "cat; echo \"FOO=$FOO\"; pwd; echo oops >&2")
                .directory(dir.toFile())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        b.environment().put("FOO", "bar");
        Process p = ProcessGroups.start(b); // the redirects under test: not the launcher's
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertEquals(List.of("from stdin", "FOO=bar", dir.toRealPath().toString()), Files.readAllLines(out));
            assertEquals(List.of("oops"), Files.readAllLines(err));
            assertEquals(p, p.onExit().get(30, TimeUnit.SECONDS));
            assertEquals(p.pid(), p.toHandle().pid());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aProcessNotStartedHereGetsSigintAloneNotItsGroup() throws Exception {
        ChildProcess c = startChild(shell("trap 'exit 5' INT; echo ready; while :; do sleep 0.05; done"));
        Process p = c.process();
        assertEquals("ready", c.nextLine());
        assertFalse(ProcessGroups.isGroupLeader(p));
        ProcessGroups.interrupt(p); // it shares our group: a group-wide INT would end this JVM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(5, p.exitValue());
    }

    @Test
    void badInputIsRefusedWithTypedErrors() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.start(new ProcessBuilder()));
        IOException missing = assertThrows(IOException.class,
                () -> ProcessGroups.start(new ProcessBuilder("/no/such/program")));
        assertTrue(missing.getMessage().contains("/no/such/program"), missing.getMessage());
        assertThrows(IOException.class, () -> ProcessGroups.start(new ProcessBuilder("no-such-program-on-path")));

        Process done = start("exit 3");
        assertTrue(done.waitFor(30, TimeUnit.SECONDS));
        NoSuchProcessException dead = assertThrows(NoSuchProcessException.class, () -> ProcessGroups.interrupt(done));
        assertTrue(dead.getMessage().contains("already exited"), dead.getMessage());
        assertThrows(NoSuchProcessException.class, () -> ProcessGroups.terminate(done, Duration.ofSeconds(1)));

        Process alive = start("sleep 1000");
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.terminate(alive, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.terminate(alive, Duration.ofSeconds(-1)));
        assertTrue(alive.isAlive(), "a refused terminate sends nothing");
        Termination t = ProcessGroups.terminate(alive, Duration.ofSeconds(20)).get(60, TimeUnit.SECONDS);
        assertEquals(143, t.exitStatus());
        assertEquals(Optional.of(Signal.TERM), t.signal());
    }
}
