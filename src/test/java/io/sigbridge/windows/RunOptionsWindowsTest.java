package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * {@code sigbridge run}'s options in a child Windows JVM, where run stays Java: the ones with a
 * meaning there work (--remap-exit, -e, --verbose, -s, -g, --grace, --timeout, -h, --version),
 * the others are refused with exit status 2 and the reason, before anything is started
 * (RunOptionsTest checks every refusal's parsing; this checks the real command).
 */
class RunOptionsWindowsTest {
    private static String child() {
        return Path.of(System.getProperty("sigbridge.test.windowsChild")).toAbsolutePath().toString();
    }

    /** The supervisor's exit status; its output is in dir/log.txt. */
    private static int run(Path dir, String... runArgs) throws Exception {
        try (ChildProcess supervisor = WindowsTestSupport.child(WindowsChild.class, "run", dir.resolve("notes.txt"), runArgs)
                .outputFile(dir.resolve("log.txt")).start()) {
            return supervisor.awaitExit();
        }
    }

    private static String log(Path dir) throws Exception {
        return "\n--- log\n" + WindowsTestSupport.read(dir.resolve("log.txt"));
    }

    @Test
    void anOptionWithoutAMeaningOnWindowsIsRefusedWithTheReason() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run-refused");
        assertEquals(2, run(dir, "run", "--single-child", "--", child(), "args", "never"), log(dir));
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        assertTrue(log.contains("sigbridge run: --single-child is not available on Windows: the child always gets"
                + " a process group of its own there"), log(dir));
        assertTrue(!log.contains("[never]"), "nothing was started" + log(dir));
    }

    @Test
    void theOptionsWithAMeaningWork() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run-remap");
        assertEquals(0, run(dir, "run", "-v", "-s", "-g", "--grace", "1s", "--remap-exit", "7:0", "-e", "3", "--",
                child(), "exit", "7"), log(dir));
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        assertTrue(log.matches("(?s).*sigbridge run: child \\d+ ended with 7; exit status 0.*"), log(dir));

        Path help = WindowsTestSupport.childDirectory("run-help");
        assertEquals(0, run(help, "run", "--help"), log(help));
        assertTrue(WindowsTestSupport.read(help.resolve("log.txt")).contains("--remap-exit FROM:TO"), log(help));

        Path version = WindowsTestSupport.childDirectory("run-version");
        assertEquals(0, run(version, "run", "--version"), log(version));
        assertTrue(WindowsTestSupport.read(version.resolve("log.txt")).contains("sigbridge run "), log(version));
    }

    /**
     * --timeout 2s --grace 1s on a child whose grandchild would sleep a minute: CTRL_BREAK to
     * the group (it fails under Wine and is reported), the job killed after the grace, status 124,
     * the grandchild gone with it.
     */
    @Test
    void aTimeoutEndsTheJobAfterTheGraceWith124() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("run-timeout");
        long started = System.nanoTime();
        assertEquals(124, run(dir, "run", "--timeout", "2s", "--grace", "1s", "--", child(), "tree", "60000"), log(dir));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis >= 3000, "not before the timeout and the grace: " + millis + " ms" + log(dir));
        String log = WindowsTestSupport.read(dir.resolve("log.txt"));
        assertTrue(log.contains("sigbridge run: timed out after 2000 ms: CTRL_BREAK to group"), log(dir));
        Matcher grandchild = Pattern.compile("grandchild (\\d+)").matcher(log);
        assertTrue(grandchild.find(), log(dir));
        long pid = Long.parseLong(grandchild.group(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "the grandchild " + pid + " survived the job" + log(dir));
            Thread.sleep(20);
        }
    }
}
