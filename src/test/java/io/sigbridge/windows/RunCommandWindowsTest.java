package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * {@code sigbridge run} in a child Windows JVM (the supervisor), supervising sb_test_child.exe.
 * CTRL_CLOSE only comes from the system, so the supervisor calls its console routine itself.
 */
class RunCommandWindowsTest {
    private static String child() {
        return Path.of(System.getProperty("sigbridge.test.windowsChild")).toAbsolutePath().toString();
    }

    private static int supervise(String mode, Path dir, String... run) throws Exception {
        try (ChildProcess supervisor = WindowsTestSupport.child(WindowsChild.class, mode, dir.resolve("notes.txt"), run)
                .jvmOptions("-Dsigbridge.console.grace=3000").outputFile(dir.resolve("log.txt")).start()) {
            return supervisor.awaitExit();
        }
    }

    private static String context(Path dir) throws Exception {
        return "\n--- notes\n" + WindowsTestSupport.read(dir.resolve("notes.txt")) + "--- log\n"
                + WindowsTestSupport.read(dir.resolve("log.txt"));
    }

    @Test
    void runExitsWithTheChildsStatusAndInheritsItsStdio() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run");
        int exit = supervise("run", dir, "run", "--grace", "2s", "--", child(), "args", "through the supervisor");
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        assertEquals(0, exit, context(dir));
        assertTrue(log.contains("[through the supervisor]"), context(dir));

        Path dir7 = WindowsTestSupport.childDirectory("run-exit");
        assertEquals(7, supervise("run", dir7, "run", "--", child(), "exit", "7"), context(dir7));
    }

    @Test
    void ctrlCIsConsumedAndTurnedIntoCtrlBreakForTheChildsGroup() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run-ctrlc");
        int exit = supervise("run-ctrlc", dir, "run", "--", child(), "sleep", "3000");
        String notes = WindowsTestSupport.read(dir.resolve("notes.txt"));
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        // Not the JVM's CTRL_C handling (130): the supervisor consumed it and waited for the
        // child, which CTRL_C did not reach (a new group starts with CTRL_C disabled).
        Matcher ctrlC = Pattern.compile("CTRL_C at (\\d+)").matcher(notes);
        Matcher end = Pattern.compile("exit at (\\d+)").matcher(notes);
        assertTrue(ctrlC.find() && end.find(), context(dir));
        long millis = TimeUnit.NANOSECONDS.toMillis(Long.parseLong(end.group(1)) - Long.parseLong(ctrlC.group(1)));
        if (WindowsTestSupport.underWine()) {
            // The forwarded CTRL_BREAK fails (reported, the supervisor goes on): the child
            // sleeps to its end.
            assertEquals(0, exit, context(dir));
            assertTrue(millis >= 800, "the child ran on after CTRL_C: " + millis + " ms" + context(dir));
            assertTrue(log.contains("cannot send CTRL_BREAK to the child's group")
                    && log.contains("(for CTRL_C)"), context(dir));
        } else {
            // The forwarded CTRL_BREAK ends the child (no handler: STATUS_CONTROL_C_EXIT).
            assertEquals(0xC000013A, exit, context(dir));
            assertTrue(millis < 1200, "ended by the CTRL_BREAK, not at its end: " + millis + " ms" + context(dir));
        }
    }

    @Test
    void theTreeDoesNotOutliveASupervisorKilledHard() throws Exception {
        // JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: the job handle closes with the supervisor.
        Path dir = WindowsTestSupport.childDirectory("run-killed");
        try (ChildProcess supervisor = WindowsTestSupport.child(WindowsChild.class, "run", dir.resolve("notes.txt"),
                "run", "--", child(), "tree", "60000").outputFile(dir.resolve("log.txt")).timeout(Duration.ofSeconds(60))
                .start()) {
            Matcher m = Pattern.compile("grandchild (\\d+)").matcher(supervisor.awaitMatching(".*grandchild \\d+.*"));
            assertTrue(m.find());
            long grandchild = Long.parseLong(m.group(1));
            assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));
            supervisor.process().destroyForcibly(); // TerminateProcess: no handler, no hook runs
            supervisor.process().waitFor(30, TimeUnit.SECONDS);
            assertGone(grandchild, dir);
        }
    }

    private static void assertGone(long pid, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "process " + pid + " survived" + context(dir));
            Thread.sleep(20);
        }
    }

    @Test
    void ctrlCloseIsForwardedThenTheJobIsKilledAfterTheGrace() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run-close");
        int exit = supervise("run-close", dir, "run", "--grace", "1s", "--", child(), "tree", "60000");
        String notes = WindowsTestSupport.read(dir.resolve("notes.txt"));
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        // The child ignores CTRL_BREAK (Windows) or never gets it (Wine): the job is killed
        // after the 1 s grace, and the supervisor exits with the child's status (job kill: 1).
        assertEquals(1, exit, context(dir));
        Matcher close = Pattern.compile("CTRL_CLOSE at (\\d+)").matcher(notes);
        Matcher end = Pattern.compile("exit at (\\d+)").matcher(notes);
        assertTrue(close.find() && end.find(), context(dir));
        long millis = TimeUnit.NANOSECONDS.toMillis(Long.parseLong(end.group(1)) - Long.parseLong(close.group(1)));
        assertTrue(millis >= 1000 && millis < 3000, "killed after the grace, before the console's: "
                + millis + " ms" + context(dir));
        if (WindowsTestSupport.underWine()) {
            assertTrue(log.contains("cannot send CTRL_BREAK to the child's group")
                    && log.contains("(for CTRL_CLOSE)"), context(dir));
        }
        Matcher grandchild = Pattern.compile("grandchild (\\d+)").matcher(log);
        assertTrue(grandchild.find(), context(dir));
        assertGone(Long.parseLong(grandchild.group(1)), dir);
    }
}
