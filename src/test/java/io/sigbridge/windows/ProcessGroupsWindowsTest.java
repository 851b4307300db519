package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sigbridge.NoSuchProcessException;
import io.sigbridge.NotAGroupLeaderException;
import io.sigbridge.ProcessGroups;
import io.sigbridge.SignalException;
import io.sigbridge.Termination;
import io.sigbridge.internal.WindowsGroupProcess;

/**
 * ProcessGroups on Windows with real children: {@code sb_test_child.exe} (native/test), which
 * starts in milliseconds where a JVM under Wine takes seconds. Every child started here is
 * killed at the end of its test, with its job.
 */
class ProcessGroupsWindowsTest {
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void console() {
        // As at a real console: the children share this one, so CTRL_BREAK could reach them.
        WindowsTestSupport.ownConsole();
    }

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String child() {
        return Path.of(System.getProperty("sigbridge.test.windowsChild")).toAbsolutePath().toString();
    }

    private static ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(child());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = ProcessGroups.start(pb);
        started.add(p);
        return p;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static int await(Process p) throws InterruptedException {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child ended within 30 s");
        return p.exitValue();
    }

    @Test
    void startsInANewProcessGroupAndJob() throws Exception {
        Process p = start(builder("flags"));
        assertInstanceOf(WindowsGroupProcess.class, p);
        assertTrue(ProcessGroups.isGroupLeader(p));
        assertEquals("ctrl-c-ignored=1\n", readAll(p.getInputStream()),
                "CREATE_NEW_PROCESS_GROUP sets the child's CTRL_C-ignored flag");
        assertEquals(0, await(p));
        // The JDK's own ProcessBuilder cannot: its child is in this process's group.
        Process jdk = builder("flags").start();
        started.add(jdk);
        assertEquals("ctrl-c-ignored=0\n", readAll(jdk.getInputStream()));
        assertFalse(ProcessGroups.isGroupLeader(jdk));
        jdk.waitFor();
    }

    @Test
    void pipesCarryStdinStdoutAndStderr() throws Exception {
        Process p = start(builder("echo"));
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("hello\nworld\n", readAll(p.getInputStream()));
        assertEquals("done\n", readAll(p.getErrorStream()));
        assertEquals(0, await(p));
        assertThrows(IOException.class, () -> {
            p.getOutputStream().write(1);
            p.getOutputStream().flush();
        }, "closed");
    }

    @Test
    void redirectErrorStreamMergesStderrIntoStdout() throws Exception {
        Process p = start(builder("echo").redirectErrorStream(true));
        p.getOutputStream().close();
        assertEquals("done\n", readAll(p.getInputStream()));
        assertEquals(-1, p.getErrorStream().read());
        assertEquals(0, await(p));
    }

    @Test
    void fileRedirectsReadWriteAndAppend() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("redirects");
        Path in = Files.writeString(dir.resolve("in.txt"), "from a file\n");
        Path out = dir.resolve("out.txt");
        Files.writeString(out, "to be truncated, this is longer than what comes\n");
        Path err = Files.writeString(dir.resolve("err.txt"), "before\n");
        Process p = start(builder("echo").redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())));
        assertEquals(0, await(p));
        assertEquals(-1, p.getInputStream().read(), "no pipe: an empty stream");
        assertEquals("from a file\n", Files.readString(out).replace("\r\n", "\n"));
        assertEquals("before\ndone\n", Files.readString(err).replace("\r\n", "\n"));
    }

    @Test
    void discardAndInherit() throws Exception {
        Process p = start(builder("args", "discarded").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT));
        assertEquals(0, await(p));
        assertEquals(-1, p.getInputStream().read());
        assertThrows(IOException.class, () -> p.getOutputStream().write(1), "stdin is not a pipe");
    }

    @Test
    void argumentsArriveAsGivenThroughWindowsQuoting() throws Exception {
        List<String> args = List.of("plain", "two words", "", "say \"hi\"", "back\\slash",
                "trailing\\", "spaced trailing\\", "x\\\"y", "tab\there");
        List<String> cmd = new ArrayList<>(List.of("args"));
        cmd.addAll(args);
        Process p = start(builder(cmd.toArray(new String[0])));
        StringBuilder expected = new StringBuilder();
        args.forEach(a -> expected.append('[').append(a).append("]\n"));
        assertEquals(expected.toString(), readAll(p.getInputStream()));
        assertEquals(0, await(p));
    }

    @Test
    void environmentAndDirectoryAreHonoured() throws Exception {
        Path dir = WindowsTestSupport.childDirectory("cwd");
        ProcessBuilder pb = builder("env", "SB_TEST_VALUE").directory(dir.toFile());
        pb.environment().put("SB_TEST_VALUE", "with spaces = and more");
        Process p = start(pb);
        assertEquals("with spaces = and more\n", readAll(p.getInputStream()));
        await(p);

        ProcessBuilder removed = builder("env", "SB_TEST_GONE");
        removed.environment().put("SB_TEST_GONE", "x");
        removed.environment().remove("SB_TEST_GONE");
        Process q = start(removed);
        assertEquals("<unset>\n", readAll(q.getInputStream()));
        await(q);

        Process r = start(builder("cwd").directory(dir.toFile()));
        assertEquals(dir.toAbsolutePath().toString().toLowerCase() + "\n",
                readAll(r.getInputStream()).toLowerCase());
        await(r);
    }

    @Test
    void exitStatusWaitingAndHandles() throws Exception {
        Process p = start(builder("exit", "7"));
        Process ended = p.onExit().get(30, TimeUnit.SECONDS);
        assertTrue(ended == p);
        assertEquals(7, p.waitFor());
        assertEquals(7, p.exitValue());
        assertFalse(p.isAlive());
        assertTrue(p.waitFor(1, TimeUnit.MILLISECONDS));
        assertTrue(p.pid() > 0);
        assertEquals(p.pid(), p.toHandle().pid());
        assertFalse(p.toHandle().isAlive());

        Process sleeping = start(builder("sleep", "60000"));
        assertFalse(sleeping.waitFor(100, TimeUnit.MILLISECONDS));
        assertTrue(sleeping.isAlive());
        assertTrue(sleeping.toHandle().isAlive());
        assertThrows(IllegalThreadStateException.class, sleeping::exitValue);
        assertFalse(sleeping.supportsNormalTermination(), "destroy() is a hard kill, as the JDK's");
        sleeping.destroy();
        assertEquals(WindowsGroupProcess.KILLED_EXIT_CODE, await(sleeping));
    }

    @Test
    void killingTheJobEndsTheChildAndItsGrandchild() throws Exception {
        WindowsGroupProcess p = (WindowsGroupProcess) start(builder("tree", "60000"));
        long grandchild = grandchildPid(p);
        assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false),
                "the grandchild runs");
        assertEquals(2, p.runningInJob(), "child and grandchild are in the job");
        p.destroyForcibly();
        assertEquals(WindowsGroupProcess.KILLED_EXIT_CODE, await(p));
        assertGone(grandchild);
        assertEquals(0, p.runningInJob());
    }

    @Test
    void terminateKillsTheTreeAfterTheGraceWhenCtrlBreakDoesNotEndIt() throws Exception {
        // Under Wine CTRL_BREAK cannot be delivered at all; on Windows the child ignores it.
        WindowsGroupProcess p = (WindowsGroupProcess) start(builder("tree", "60000"));
        long grandchild = grandchildPid(p);
        long t0 = System.nanoTime();
        Termination t = ProcessGroups.terminate(p, Duration.ofMillis(700)).get(30, TimeUnit.SECONDS);
        assertTrue(t.wasKilled(), t.toString());
        assertFalse(t.endedGracefully());
        assertEquals(WindowsGroupProcess.KILLED_EXIT_CODE, t.exitStatus(), t.toString());
        assertEquals(Optional.empty(), t.signal(), "no signals on Windows");
        assertTrue(t.elapsed().toMillis() >= 700, t.toString());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(700));
        assertEquals(p.pid(), t.pid());
        assertEquals(Termination.Request.CTRL_BREAK, t.request());
        assertGone(grandchild);
        if (WindowsTestSupport.underWine()) {
            assertTrue(t.gracefulRequestFailure().isPresent(), t.toString());
            assertInstanceOf(SignalException.class, t.gracefulRequestFailure().get());
        }
    }

    @Test
    void ctrlBreakReachesTheChildsGroup() throws Exception {
        assumeFalse(WindowsTestSupport.underWine(), WindowsTestSupport.WINE_NO_CTRL_BREAK);
        Process p = start(builder("break", "60000"));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        ProcessGroups.interrupt(p);
        assertEquals("break", out.readLine());
        assertEquals(42, await(p));

        Process q = start(builder("break", "60000"));
        BufferedReader qout = new BufferedReader(new InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", qout.readLine());
        Termination t = ProcessGroups.terminate(q, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
        assertTrue(t.endedGracefully(), t.toString());
        assertEquals(42, t.exitStatus());
        assertEquals(Optional.empty(), t.gracefulRequestFailure());
    }

    @Test
    void underWineCtrlBreakToTheGroupFailsAsDocumented() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(WindowsTestSupport.underWine(), "Wine only");
        Process p = start(builder("break", "60000"));
        SignalException x = assertThrows(SignalException.class, () -> ProcessGroups.interrupt(p));
        assertEquals(6, x.errorCode(), x.getMessage());
        assertTrue(p.isAlive());
    }

    @Test
    void aProcessNotStartedHereCannotBeInterruptedOnWindows() throws Exception {
        Process jdk = builder("sleep", "60000").start();
        started.add(jdk);
        NotAGroupLeaderException x = assertThrows(NotAGroupLeaderException.class,
                () -> ProcessGroups.interrupt(jdk));
        assertEquals(jdk.pid(), x.pid());
        assertTrue(x.getMessage().contains("ProcessGroups.start") && x.getMessage().contains("CTRL_C")
                && x.getMessage().contains("CREATE_NEW_PROCESS_GROUP"), x.getMessage());
        assertInstanceOf(UnsupportedOperationException.class, x);
        assertTrue(jdk.isAlive(), "nothing was done to it");
        // terminate asks it to close its windows instead (it has none: SendToAnotherProcessTest)
        Termination t = ProcessGroups.terminate(jdk, Duration.ofMillis(300)).get(30, TimeUnit.SECONDS);
        assertEquals(Termination.Request.WM_CLOSE, t.request(), t.toString());
        assertTrue(t.wasKilled(), t.toString());
    }

    @Test
    void badInputIsATypedError() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.start(new ProcessBuilder()));
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.start(new ProcessBuilder("")));
        IOException missing = assertThrows(IOException.class,
                () -> ProcessGroups.start(new ProcessBuilder("no-such-program-sigbridge.exe")));
        assertTrue(missing.getMessage().contains("CreateProcess error=2"), missing.getMessage());
        Path dir = WindowsTestSupport.childDirectory("bad");
        assertThrows(FileNotFoundException.class,
                () -> ProcessGroups.start(builder("echo").redirectInput(dir.resolve("absent.txt").toFile())));
        IOException badDir = assertThrows(IOException.class,
                () -> ProcessGroups.start(builder("cwd").directory(dir.resolve("absent").toFile())));
        assertTrue(badDir.getMessage().contains("in directory"), badDir.getMessage());

        Process p = start(builder("sleep", "60000"));
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.terminate(p, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ProcessGroups.terminate(p, Duration.ofSeconds(-1)));
        assertTrue(p.isAlive());

        Process dead = start(builder("exit", "3"));
        await(dead);
        assertThrows(NoSuchProcessException.class, () -> ProcessGroups.interrupt(dead));
        assertThrows(NoSuchProcessException.class, () -> ProcessGroups.terminate(dead, Duration.ofSeconds(1)));
    }

    @Test
    void noHandleIsLeftOpen() throws Exception {
        runAndForget(true); // warm-up: the reaper thread, the cleaner thread, lazily opened handles
        long before = handleCount();
        for (int i = 0; i < 20; i++) {
            runAndForget(i % 2 == 0); // closing the streams, or dropping them for the Cleaner
        }
        long after = before;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(100);
            after = handleCount();
            if (after <= before + 10) {
                break;
            }
        }
        // 20 children leave 5 handles each (process, job, 3 pipe ends) if anything leaks.
        assertTrue(after <= before + 10, "handles before " + before + ", after 20 children " + after);
    }

    private static void runAndForget(boolean closeStreams) throws Exception {
        Process p = ProcessGroups.start(builder("echo"));
        p.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertEquals("x\n", readAll(p.getInputStream()));
        assertEquals(0, await(p));
        if (closeStreams) {
            p.getInputStream().close();
            p.getErrorStream().close();
        }
    }

    private static long handleCount() {
        long n = io.sigbridge.internal.WindowsNatives.handleCountForTest();
        assertTrue(n > 0, "GetProcessHandleCount failed: " + (-n));
        return n;
    }

    private static long grandchildPid(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("grandchild "), "the child said: " + line);
        return Long.parseLong(line.substring("grandchild ".length()).trim());
    }

    private static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "process " + pid + " still runs 10 s after the job was killed");
            Thread.sleep(20);
        }
    }
}
