package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

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
        try (ChildProcess running = ChildProcess.command(first.toString(), "flood",
                Long.toString(ProcessHandle.current().pid()), "0", "3000").start()) {
            Path second = NativeLibrary.extract("sigbridge-helper", true);
            assertTrue(Files.isExecutable(second));
            try (ChildProcess usage = ChildProcess.command(second.toString()).mergeStderr()
                    .exitTimeout(Duration.ofSeconds(10)).start()) {
                assertEquals(2, usage.awaitExit(), "the new copy runs and prints its usage");
            }
        }
    }
}
