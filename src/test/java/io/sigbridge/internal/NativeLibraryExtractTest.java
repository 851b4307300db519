package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class NativeLibraryExtractTest {
    /**
     * The bench (or any caller) may extract the helper again while an earlier copy runs: writing
     * into that copy failed with "Text file busy" (and, for non-root users, with EACCES, since
     * the copy is read-only).
     */
    @Test
    void extractingAgainWhileTheFirstCopyRunsGivesAWorkingCopy() throws Exception {
        Path first = NativeLibrary.extract("sigbridge-helper", true);
        // flood with signal 0 only checks that this process exists, for three seconds
        Process running = new ProcessBuilder(first.toString(), "flood",
                Long.toString(ProcessHandle.current().pid()), "0", "3000").start();
        try {
            Path second = NativeLibrary.extract("sigbridge-helper", true);
            assertTrue(Files.isExecutable(second));
            Process usage = new ProcessBuilder(second.toString()).redirectErrorStream(true).start();
            usage.getInputStream().readAllBytes();
            assertTrue(usage.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, usage.exitValue(), "the new copy runs and prints its usage");
        } finally {
            running.destroy();
            running.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
