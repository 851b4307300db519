package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import io.sigbridge.NoWindowException;
import io.sigbridge.ProcessGroups;
import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.Termination;
import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.WindowsNatives;
import io.sigbridge.testsupport.ChildProcess;

/**
 * sigbridge's hidden window in child Windows JVMs, reached by the real senders: Wine's
 * {@code taskkill.exe /PID} (WM_CLOSE to every top-level window of the process), a second
 * Windows JVM ({@code Signals.send}, {@code sigbridge send}), and {@code wineboot.exe
 * --end-session} (WM_QUERYENDSESSION, WM_ENDSESSION with lParam 0, then the end of every
 * process that has a window). Needs Wine's null graphics driver (ci/windows-tests.sh).
 */
class HiddenWindowTest {
    private Path dir;
    private Path notes;
    private Path log;
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeAll
    static void library() {
        NativeLibrary.load(); // the test natives below are called before any API use
    }

    @BeforeEach
    void directory(TestInfo test) throws Exception {
        dir = WindowsTestSupport.childDirectory(test.getTestMethod().orElseThrow().getName());
        notes = dir.resolve("notes.txt");
        log = dir.resolve("child.log");
    }

    private ChildProcess child(String mode, String... jvmOptions) throws Exception {
        ChildProcess p = WindowsTestSupport.startChild(mode, notes, log, jvmOptions);
        started.add(p);
        p.awaitFile(notes, "ready");
        return p;
    }

    @AfterEach
    void endChildren() {
        started.forEach(ChildProcess::close);
    }

    /**
     * {@code wineboot --end-session} ends every process with a top-level window, and the
     * console window of a console that {@code AllocConsole} made (a test class before may have
     * given this JVM one) belongs to its conhost, whose end takes this JVM along. So: no console
     * and no sigbridge window here first.
     */
    private static String endSession() throws Exception {
        WindowsNatives.detachConsoleForTest(); // 0, or an error when there is no console
        assertNull(WindowsNatives.windowTitleForTest(ProcessHandle.current().pid()),
                "this JVM must have no sigbridge window now, or wineboot would end it too");
        return WindowsTestSupport.runProgram(List.of("wineboot.exe", "--end-session"));
    }

    private static String taskkill(long pid) throws Exception {
        return WindowsTestSupport.runProgram(List.of("taskkill.exe", "/PID", String.valueOf(pid)));
    }

    private String context(ChildProcess p) throws Exception {
        return "\n--- notes\n" + WindowsTestSupport.read(notes) + "--- log\n" + WindowsTestSupport.read(log)
                + (p.isAlive() ? "" : "--- exit " + p.process().exitValue());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void closeRequestsReachTheTermHandlerAndTheJvmKeepsRunning() throws Exception {
        ChildProcess p = child("term-handler");
        long pid = p.pid();
        assertEquals("sigbridge " + pid, WindowsNatives.windowTitleForTest(pid),
                "a hidden window of class sigbridge-" + pid);
        String line = "term handler ran origin=CLOSE_REQUEST console=none code=16 on sigbridge-dispatch";

        String said = taskkill(pid);
        assertTrue(said.startsWith("exit 0"), said);
        p.awaitFile(notes, line);

        Signals.send(pid, Signal.TERM); // this JVM is the second Windows JVM
        awaitCount(line, 2, p);

        // sigbridge send PID TERM, from a third JVM
        List<String> cli = List.of(Path.of(System.getProperty("java.home"), "bin", "java.exe").toString(),
                "-cp", System.getProperty("sigbridge.test.classes"), "io.sigbridge.internal.cli.Main",
                "send", String.valueOf(pid), "TERM");
        String sent = WindowsTestSupport.runProgram(cli);
        assertTrue(sent.startsWith("exit 0") && sent.contains("to " + pid)
                && sent.contains("WM_CLOSE"), sent);
        awaitCount(line, 3, p);
        assertTrue(p.isAlive(), "a consumed close request does not end the JVM" + context(p));

        // ProcessGroups.terminate of a process it did not start: WM_CLOSE (consumed here), then
        // TerminateProcess after the grace
        Termination t = ProcessGroups.terminate(p.process(), Duration.ofMillis(1500)).get(60, TimeUnit.SECONDS);
        assertEquals(Termination.Request.WM_CLOSE, t.request(), t.toString());
        assertTrue(t.wasKilled(), t.toString());
        assertTrue(t.gracefulRequestFailure().isEmpty(), t.toString());
        assertEquals(1, t.exitStatus(), t.toString());
        assertEquals(4, count(WindowsTestSupport.read(notes), line), context(p));
        assertFalse(WindowsTestSupport.read(notes).contains("alive at the end"), context(p));
    }

    private void awaitCount(String line, int n, ChildProcess p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(WindowsTestSupport.read(notes), line) < n) {
            assertTrue(System.nanoTime() < deadline, n + " times \"" + line + "\"" + context(p));
            Thread.sleep(50);
        }
    }

    @Test
    void chainPreviousRunsTheHandlerThenTheJvmsTermHandling() throws Exception {
        ChildProcess p = child("term-chain");
        assertTrue(taskkill(p.pid()).startsWith("exit 0"));
        assertEquals(143, p.awaitExit(), context(p));
        String got = WindowsTestSupport.read(notes);
        int ran = got.indexOf("term handler ran origin=CLOSE_REQUEST");
        int finished = got.indexOf("term handler finished");
        int hook = got.indexOf("shutdown hook ran");
        assertTrue(ran >= 0 && finished > ran && hook > finished, context(p));
    }

    @Test
    void afterTheTermRegistrationClosesACloseRequestGetsTheJvmsOwnTermHandling() throws Exception {
        // The window stays (a CTRL_SHUTDOWN registration wants it); TERM is the JVM's again.
        ChildProcess p = child("term-restore");
        assertTrue(taskkill(p.pid()).startsWith("exit 0"));
        p.awaitFile(notes, "term handler ran, closed");
        Thread.sleep(300);
        assertTrue(p.isAlive(), context(p));
        assertTrue(taskkill(p.pid()).startsWith("exit 0"));
        assertEquals(143, p.awaitExit(), context(p));
        String got = WindowsTestSupport.read(notes);
        assertTrue(got.indexOf("shutdown hook ran") > got.indexOf("term handler ran, closed"), context(p));
        assertEquals(1, count(got, "term handler ran"), context(p));
    }

    @Test
    void theWindowGoesWithTheLastRegistration() throws Exception {
        ChildProcess p = child("term-gone");
        long pid = p.pid();
        assertTrue(taskkill(pid).startsWith("exit 0"));
        p.awaitFile(notes, "closed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (WindowsNatives.windowTitleForTest(pid) != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNull(WindowsNatives.windowTitleForTest(pid), "the window is gone" + context(p));
        NoWindowException x = assertThrows(NoWindowException.class, () -> Signals.send(pid, Signal.TERM));
        assertEquals(pid, x.pid());
        assertTrue(x.getMessage().contains("no top-level window"), x.getMessage());
        String said = taskkill(pid);
        assertFalse(said.startsWith("exit 0"), "taskkill finds no window to close: " + said);
        Thread.sleep(500);
        assertTrue(p.isAlive(), "nothing ended it" + context(p));
        WindowsTestSupport.stop(notes);
        assertEquals(0, p.awaitExit(), context(p));
        assertEquals(1, count(WindowsTestSupport.read(notes), "term handler ran"), context(p));
    }

    @Test
    void endOfSessionRunsTheShutdownHandlerBeforeTheProcessEnds() throws Exception {
        ChildProcess p = child("end-session");
        long t0 = System.nanoTime();
        String said = endSession();
        assertTrue(said.startsWith("exit 0"), said);
        p.awaitExit();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String got = WindowsTestSupport.read(notes);
        int ran = got.indexOf("shutdown handler ran origin=END_SESSION console=CTRL_SHUTDOWN");
        int finished = got.indexOf("shutdown handler finished");
        assertTrue(ran >= 0 && finished > ran, "the handler ran to its end before the process"
                + " ended (" + took + " ms)" + context(p));
        assertTrue(got.contains("term handler ran console=CTRL_SHUTDOWN"), "TERM's handler too" + context(p));
        assertFalse(got.contains("alive at the end"), "the session's end ended it" + context(p));
        System.out.println("end of session: wineboot and the child's end after " + took + " ms");
    }

    @Test
    void logoffIsCtrlLogoffAndTheWindowWaitsForTheHandler() throws Exception {
        // The system sends WM_ENDSESSION with ENDSESSION_LOGOFF at logoff, which Wine cannot
        // produce: this test sends those two messages to the child's window itself.
        ChildProcess p = child("logoff");
        long pid = p.pid();
        assertEquals(1, WindowsNatives.sendToWindowForTest(pid, WindowsNatives.WM_QUERYENDSESSION, 0,
                WindowsNatives.ENDSESSION_LOGOFF, 10_000), "no veto");
        long t0 = System.nanoTime();
        long result = WindowsNatives.sendToWindowForTest(pid, WindowsNatives.WM_ENDSESSION, 1,
                WindowsNatives.ENDSESSION_LOGOFF, 20_000);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, result);
        String got = WindowsTestSupport.read(notes);
        assertTrue(got.contains("logoff handler ran origin=END_SESSION code=5")
                && got.contains("logoff handler finished"),
                "WM_ENDSESSION returned only after the handler (" + took + " ms)" + context(p));
        WindowsTestSupport.stop(notes);
        assertEquals(0, p.awaitExit(), context(p));
    }

    @Test
    void withAwtLoadedTheEndOfTheSessionIsAwtsAlone() throws Exception {
        Path awt = Path.of(System.getProperty("java.home"), "bin", "awt.dll");
        assumeTrue(Files.exists(awt), "this JRE has no AWT");
        ChildProcess p = child("awt-end-session");
        String said = endSession();
        assertTrue(said.startsWith("exit 0"), said);
        int exit = p.awaitExit();
        String got = WindowsTestSupport.read(notes);
        assertFalse(got.contains("(must not)"), "delivered once, by AWT, not by sigbridge" + context(p));
        assertTrue(got.contains("shutdown hook ran"), "AWT's TERM ran the JVM's shutdown" + context(p));
        assertEquals(143, exit, context(p));
    }

    @Test
    void theHelperForOtherConsolesIsInTheJar() {
        File helper = Path.of(System.getProperty("sigbridge.test.classes"), "META-INF", "native",
                "windows-x86_64", WindowsNatives.CTRL_HELPER).toFile();
        assertTrue(helper.isFile(), helper + " is packaged beside sigbridge.dll");
    }
}
