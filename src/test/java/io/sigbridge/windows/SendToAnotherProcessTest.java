package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sigbridge.NoConsoleException;
import io.sigbridge.NoSuchProcessException;
import io.sigbridge.NoWindowException;
import io.sigbridge.ProcessGroups;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.Termination;
import io.sigbridge.testsupport.ChildProcess;

/**
 * {@code Signals.send(pid, ...)} to another process on Windows, with {@code sb_test_child.exe}
 * as the target: TERM is WM_CLOSE to its windows, INT and BREAK are CTRL_C and CTRL_BREAK on its
 * console through {@code sigbridge-ctrl.exe}, and every rule is a typed error.
 */
class SendToAnotherProcessTest {
    static final String WINE_NO_ATTACHED_CTRL_C = "Wine 8 lets AttachConsole and"
            + " GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0) succeed but does not deliver the event to"
            + " the processes of the console it attached to (probed: the target's handler never"
            + " ran), and CTRL_BREAK fails with error 6; this test runs on real Windows";
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeAll
    static void console() {
        WindowsTestSupport.ownConsole(); // the JDK's children share it
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(ChildProcess::close);
    }

    /** sb_test_child.exe, once it said "ready"; in a new process group and job when asked. */
    private Process child(boolean newGroup, String... args) throws IOException {
        ChildProcess.Builder b = ChildProcess.command(Path.of(System.getProperty("sigbridge.test.windowsChild"))
                .toAbsolutePath().toString()).args(args).mergeStderr().stdoutPipe();
        ChildProcess c = (newGroup ? b.inNewGroup() : b).start();
        started.add(c);
        assertEquals("ready", c.nextLine(), "the child started");
        return c.process();
    }

    private static int await(Process p) throws InterruptedException {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child ended within 30 s");
        return p.exitValue();
    }

    @Test
    void termClosesAProgramsWindow() throws Exception {
        Process p = child(false, "window", "60000");
        Signals.send(p.pid(), Signal.TERM);
        assertEquals(5, await(p), "its window got WM_CLOSE");
    }

    @Test
    void terminateOfAProcessNotStartedHereClosesItsWindow() throws Exception {
        Process p = child(false, "window", "60000");
        Termination t = ProcessGroups.terminate(p, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
        assertTrue(t.endedGracefully(), t.toString());
        assertEquals(5, t.exitStatus(), t.toString());
        assertEquals(Termination.Request.WM_CLOSE, t.request());
        assertTrue(t.gracefulRequestFailure().isEmpty(), t.toString());
    }

    @Test
    void terminateOfAProcessWithoutAWindowKillsItAfterTheGraceAndSaysWhy() throws Exception {
        Process p = child(false, "detached", "60000");
        long t0 = System.nanoTime();
        Termination t = ProcessGroups.terminate(p, Duration.ofMillis(700)).get(30, TimeUnit.SECONDS);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 700);
        assertTrue(t.wasKilled(), t.toString());
        assertEquals(1, t.exitStatus(), "TerminateProcess, as the JDK's destroyForcibly");
        assertEquals(Termination.Request.WM_CLOSE, t.request());
        assertInstanceOf(NoWindowException.class, t.gracefulRequestFailure().orElseThrow(), t.toString());
    }

    @Test
    void termToAProcessWithoutAWindowIsATypedError() throws Exception {
        Process p = child(false, "detached", "60000");
        NoWindowException x = assertThrows(NoWindowException.class, () -> Signals.send(p.pid(), Signal.TERM));
        assertEquals(p.pid(), x.pid());
        assertTrue(p.isAlive(), "nothing falls back to TerminateProcess");
    }

    @Test
    void aProcessWithoutAConsoleCannotGetConsoleEvents() throws Exception {
        Process p = child(false, "detached", "60000");
        for (Signal s : List.of(Signal.INT, Signal.BREAK)) {
            NoConsoleException x = assertThrows(NoConsoleException.class, () -> Signals.send(p.pid(), s));
            assertTrue(x.getMessage().contains("has no console"), x.getMessage());
        }
        assertTrue(p.isAlive());
    }

    @Test
    void ctrlCToAProcessThatIgnoresItIsRefused() throws Exception {
        // ProcessGroups.start: CREATE_NEW_PROCESS_GROUP, which disables CTRL_C in the child.
        Process p = child(true, "sleep-ready", "60000");
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> Signals.send(p.pid(), Signal.INT));
        assertTrue(x.getMessage().contains("ignores CTRL_C") && x.getMessage().contains("BREAK"),
                x.getMessage());
        assertTrue(p.isAlive());
    }

    @Test
    void aProcessOnThisConsoleIsRefused() throws Exception {
        // A child of ProcessGroups.start shares this console (one the JDK starts with pipes gets
        // a console of its own: CREATE_NO_WINDOW).
        Process p = child(true, "sleep-ready", "60000");
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> Signals.send(p.pid(), Signal.BREAK));
        assertTrue(x.getMessage().contains("this process's console")
                && x.getMessage().contains("ProcessGroups.interrupt"), x.getMessage());
        assertTrue(p.isAlive());
    }

    @Test
    void aProcessThatEndedIsNoSuchProcess() throws Exception {
        Process p = child(false, "sleep-ready", "0");
        await(p);
        for (Signal s : List.of(Signal.TERM, Signal.INT, Signal.BREAK)) {
            assertThrows(NoSuchProcessException.class, () -> Signals.send(p.pid(), s));
        }
    }

    @Test
    void ctrlCAndCtrlBreakReachAProcessOnItsOwnConsole() throws Exception {
        assumeFalse(WindowsTestSupport.underWine(), WINE_NO_ATTACHED_CTRL_C);
        Process p = child(false, "own-console", "60000");
        Signals.send(p.pid(), Signal.INT);
        assertEquals(40, await(p), "its console routine got CTRL_C");
        Process q = child(false, "own-console", "60000");
        Signals.send(q.pid(), Signal.BREAK);
        assertEquals(41, await(q), "its console routine got CTRL_BREAK");
    }
}
