package io.sigbridge.junit.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.sigbridge.FaultReporter;

/**
 * The dump files: {@code <dir>/<test>.<kind>.<pid>.txt}, each a few header lines (what happened,
 * to which test) and the JVM's own thread dump with locks ({@link FaultReporter#dumpNow}).
 * A second dump of the same kind for the same test is appended to its file.
 */
public final class DumpFiles {
    private static final int MAX_NAME = 160;
    /** The process's real standard error: Surefire replaces System.err by its channel to Maven. */
    private static final PrintStream NATIVE_ERR =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private DumpFiles() {}

    /**
     * Writes one dump.
     *
     * @param headline the first line, also the dump's reason
     * @param header further lines before the dump (the test's unique id, other running tests)
     * @return the file, absolute
     */
    public static Path write(Path dir, String testName, String kind, String headline, List<String> header)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName(testName, kind)).toAbsolutePath();
        try (PrintStream out = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            out.println(headline);
            header.forEach(out::println);
            FaultReporter.dumpNow(out, headline);
        }
        return file;
    }

    /** The file name of a dump: the test's name with anything unusual in a file name as '_'. */
    public static String fileName(String testName, String kind) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < testName.length() && b.length() < MAX_NAME; i++) {
            char c = testName.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".-_()[],#".indexOf(c) >= 0;
            b.append(plain ? c : '_');
        }
        return b + "." + kind + "." + ProcessHandle.current().pid() + ".txt";
    }

    /** A line on the process's standard error, which reaches the build log even from a fork. */
    public static void notice(String line) {
        NATIVE_ERR.println("sigbridge.junit: " + line);
    }
}
