package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sigbridge.internal.NativeLibrary;
import io.sigbridge.internal.WindowsNatives;

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

    /** The command line of a child Windows JVM running {@link WindowsChild} in {@code mode}. */
    static List<String> childCommand(String mode, Path output, String... more) {
        return childCommand(WindowsChild.class, mode, output, more);
    }

    /** The command line of a child Windows JVM running {@code main} with a mode and a file. */
    static List<String> childCommand(Class<?> main, String mode, Path output, String... more) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java.exe").toString());
        cmd.add("-Xcheck:jni");
        cmd.add("-cp");
        cmd.add(System.getProperty("sigbridge.test.classes") + File.pathSeparator
                + System.getProperty("sigbridge.test.testClasses"));
        cmd.add(main.getName());
        cmd.add(mode);
        cmd.add(output.toString());
        for (String m : more) {
            cmd.add(m);
        }
        return cmd;
    }

    /** Runs a child JVM to its end; returns its exit code. Its stdout/stderr go to {@code log}. */
    static int runChild(String mode, Path output, Path log) throws IOException, InterruptedException {
        return runChild(WindowsChild.class, mode, output, log);
    }

    /** Like {@link #runChild(String, Path, Path)} with another main class. */
    static int runChild(Class<?> main, String mode, Path output, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(childCommand(main, mode, output));
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child " + mode + " did not end within 120 s; its log:\n"
                    + read(log));
        }
        return p.exitValue();
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
