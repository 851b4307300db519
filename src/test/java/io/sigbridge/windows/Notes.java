package io.sigbridge.windows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The child side of the Windows tests' notes ({@link WindowsTestSupport#child}): a child Windows
 * JVM writes what happens, line by line, into the file named by its second argument (synced, so
 * that a process that dies right after a note still leaves it), and waits for the test's
 * {@code <notes>.stop} ({@link WindowsTestSupport#stop}) where it should stay until told.
 */
final class Notes {
    private static Path file;

    private Notes() {}

    static void open(Path notes) {
        file = notes;
    }

    static synchronized void note(String line) {
        try {
            Files.write(file, (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until the test writes {@code <notes>.stop} (at most 90 s). */
    static void awaitStop() throws InterruptedException {
        Path stop = Path.of(file + ".stop");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(stop) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
