package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import io.sigbridge.testsupport.ChildProcess;

/**
 * Scenarios that end a process, each in a child Windows JVM with a console of its own. Exit
 * codes asserted are the JVM's own (130 after CTRL_C), which Wine reproduces; the exit code of
 * a process with no console handler at all is not asserted (Wine: 0, Windows: 0xC000013A).
 */
class ChildJvmTest {
    private Path dir;

    @BeforeEach
    void directory(TestInfo test) throws Exception {
        dir = WindowsTestSupport.childDirectory(test.getTestMethod().orElseThrow().getName());
    }

    private String run(String mode, int expectedExit) throws Exception {
        Path out = dir.resolve(mode + ".txt");
        Path log = dir.resolve(mode + ".log");
        int exit = WindowsTestSupport.runChild(mode, out, log);
        String got = WindowsTestSupport.read(out);
        String context = "exit " + exit + "\n--- notes\n" + got + "--- log\n" + WindowsTestSupport.read(log);
        if (expectedExit >= 0) {
            assertEquals(expectedExit, exit, context);
        }
        assertTrue(got.contains("console attached") || !got.contains("console"), context);
        return got + "\n" + context;
    }

    @Test
    void unclaimedCtrlCGetsTheJvmsOwnHandling() throws Exception {
        // Also: a loaded DLL cannot be deleted on Windows, so JVMs leave their extracted copy;
        // the next JVM that extracts removes the copies nobody holds any more.
        Path stale = Files.createTempDirectory("sigbridge-");
        Files.write(stale.resolve("sigbridge.dll"), new byte[] {'M', 'Z'});
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        String got = run("unclaimed", 130);
        assertTrue(got.contains("shutdown hook ran"), got);
        assertFalse(Files.exists(stale), "the child removed the stale copy " + stale);
    }

    @Test
    void afterCloseTheJvmsOwnCtrlCHandlingIsBack() throws Exception {
        String got = run("after-close", 130);
        assertTrue(got.contains("shutdown hook ran"), got);
        assertTrue(!got.contains("handler ran\n"), got);
    }

    @Test
    void chainPreviousRunsTheJavaHandlerThenTheJvms() throws Exception {
        String got = run("chain", 130);
        int handler = got.indexOf("handler ran on sigbridge-dispatch console=CTRL_C");
        int finished = got.indexOf("handler finished");
        int hook = got.indexOf("shutdown hook ran");
        assertTrue(handler >= 0 && finished > handler && hook > finished,
                "the Java handler ran to its end before the JVM's shutdown: " + got);
    }

    @Test
    void aCtrlCPassedOnThroughMsvcrtIsNotDeliveredTwice() throws Exception {
        String got = run("msvcrt-pass-on", 130);
        assertTrue(got.indexOf("shutdown hook ran") > got.indexOf("passing CTRL_C on"), got);
        assertFalse(got.contains("handler ran (must not)"), got);
    }

    @Test
    void unclaimedRaiseOfTermGetsTheJvmsOwnHandling() throws Exception {
        String got = run("raise-term-unclaimed", 143);
        assertTrue(got.indexOf("shutdown hook ran") > got.indexOf("raising TERM"), got);
    }

    @Test
    void raisedAbrtEndsTheProcessAfterTheHandlerWithExitCode3() throws Exception {
        // As raise(ABRT) on Linux ends the process by SIGABRT (134) after the handlers.
        String got = run("raise-abrt", 3);
        int ran = got.indexOf("abrt handler ran on sigbridge-dispatch");
        assertTrue(ran > got.indexOf("raising ABRT") && got.indexOf("abrt handler finished") > ran, got);
        assertFalse(got.contains("raise returned (must not)"), got);
        assertFalse(got.contains("shutdown hook ran"), "the C runtime's _exit(3), no hooks: " + got);
    }

    @Test
    void concurrentRaisesNeverTakeTheDefault() throws Exception {
        // Issue 13: before the fix this child ended with exit code 3 (msvcrt's default).
        String got = run("raise-race", 0);
        assertTrue(got.contains("handlers saw 200000 of 200000"), got);
    }

    @Test
    void foldedConsoleEventsReachTheIntHandlers() throws Exception {
        // Issue 13: with a ring of 2, most of ten CTRL_C fold; before the fix the FOLDED event
        // went to no handler (source 0 code 0 on slot 64).
        Path out = dir.resolve("folded.txt");
        Path log = dir.resolve("folded.log");
        try (ChildProcess p = WindowsTestSupport.startChild("folded-ctrl-c", out, log, "-Dsigbridge.ring.size=2")) {
            assertEquals(0, p.awaitExit(), p.describe());
        }
        String got = WindowsTestSupport.read(out) + WindowsTestSupport.read(log);
        assertTrue(got.contains("INT handlers saw 10 of 10 folded=true"), got);
        assertTrue(got.contains("CTRL_C (SIGINT(2)): invocations=10 delivered="), got);
    }

    @Test
    void abrtHandlerRunsBeforeAbortEndsTheProcess() throws Exception {
        Path out = dir.resolve("abort.txt");
        int exit = WindowsTestSupport.runChild("abort", out, dir.resolve("abort.log"));
        String got = WindowsTestSupport.read(out);
        String context = "exit " + exit + "\n" + got + WindowsTestSupport.read(dir.resolve("abort.log"));
        assertNotEquals(0, exit, context);
        int ran = got.indexOf("abort handler ran on sigbridge-dispatch");
        assertTrue(ran > got.indexOf("calling abort") && got.indexOf("abort handler finished") > ran,
                context);
    }
}
