package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.WindowsNatives;
import io.sigbridge.testsupport.ChildProcess;

/** What the tests in the Windows JVM share: Wine detection, a console, child JVMs. */
final class WindowsTestSupport {
    static final String WINE_NO_CTRL_BREAK = "Wine 8 does not propagate CTRL_BREAK_EVENT:"
            + " GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, ...) fails there with error 6"
            + " (ERROR_INVALID_HANDLE); this test runs on real Windows";

    private WindowsTestSupport() {}

    /** Wine's version, or null on real Windows (ntdll exports wine_get_version only under Wine). */
    static String wineVersion() {
        NativeLibrary.load();
        return WindowsNatives.wineVersion();
    }

    static boolean underWine() {
        return wineVersion() != null;
    }

    /**
     * A console of our own: headless CI starts the JVM without one, and GenerateConsoleCtrlEvent
     * needs one. Only this process is attached to it afterwards.
     */
    static void ownConsole() {
        NativeLibrary.load();
        int rc = WindowsNatives.reattachConsoleForTest();
        assertEquals(0, rc, "FreeConsole + AllocConsole failed with Windows error " + rc);
        assertTrue(WindowsNatives.hasConsole(), "attached to the new console");
    }

    /**
     * A fresh directory for a child's files under target/windows-children. Not a JUnit @TempDir:
     * under Wine the handles of a child that ended (above all after abort()) are sometimes
     * released late, so deleting at once fails with a sharing violation; and the files stay
     * for a look when a test fails.
     */
    static Path childDirectory(String name) throws IOException {
        Path target = Path.of(System.getProperty("sigbridge.test.testClasses")).getParent();
        Path root = Files.createDirectories(target.resolve("windows-children"));
        return Files.createTempDirectory(root, name + "-");
    }

    /**
     * A child Windows JVM running {@code main} with a mode and its notes file (where it writes
     * what happens, "ready" once its handlers are in place), under {@code -Xcheck:jni} and
     * nothing else (the Windows JVM gets no options of the Linux children); stdout and stderr in
     * one file. A JVM under Wine starts in seconds: notes are awaited 90 s, the exit 120 s.
     */
    static ChildProcess.Builder child(Class<?> main, String mode, Path notes, String... more) {
        return ChildProcess.java(main).jvmOptions("-Xcheck:jni").args(mode, notes.toString()).args(more)
                .mergeStderr().stripTerminalControl() // its lines end with CRLF
                .describing(notes).timeout(Duration.ofSeconds(90)).exitTimeout(Duration.ofSeconds(120));
    }

    /** The command line of a child Windows JVM running {@link WindowsChild} in {@code mode}. */
    static List<String> childCommand(String mode, Path notes, String... more) {
        return child(WindowsChild.class, mode, notes, more).commandLine();
    }

    /** Runs a child JVM to its end; returns its exit code. Its stdout/stderr go to {@code log}. */
    static int runChild(String mode, Path notes, Path log) throws IOException {
        return runChild(WindowsChild.class, mode, notes, log);
    }

    /** Like {@link #runChild(String, Path, Path)} with another main class. */
    static int runChild(Class<?> main, String mode, Path notes, Path log) throws IOException {
        try (ChildProcess c = child(main, mode, notes).outputFile(log).start()) {
            return c.awaitExit();
        }
    }

    /** Starts a {@link WindowsChild} in {@code mode} and returns at once; stdout/stderr go to {@code log}. */
    static ChildProcess startChild(String mode, Path notes, Path log, String... jvmOptions) throws IOException {
        return child(WindowsChild.class, mode, notes).jvmOptions(jvmOptions).outputFile(log).start();
    }

    /** Tells a child waiting in {@link Notes#awaitStop()} to end. */
    static void stop(Path notes) throws IOException {
        Files.write(Path.of(notes + ".stop"), new byte[0]);
    }

    /** Runs a Windows program (taskkill.exe, wineboot.exe) to its end: exit code and output. */
    static String runProgram(List<String> command) throws IOException {
        try (ChildProcess p = ChildProcess.command(command).mergeStderr().timeout(Duration.ofSeconds(60)).start()) {
            int exit = p.awaitExit();
            return "exit " + exit + ": " + p.output().trim();
        }
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
