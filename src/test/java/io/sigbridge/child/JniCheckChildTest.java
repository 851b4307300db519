package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * Every JNI path of the library in a child under -Xcheck:jni: nothing may make the checker warn
 * or abort. HotSpot's periodic signal-handler check (part of -Xcheck:jni) prints
 * "Warning: SIGxxx handler modified!" and a table of handlers when a handler it installed itself
 * was replaced; on HotSpot 17 and 25 it watches SEGV, BUS, FPE, ILL, the suspend/resume signal
 * (and on 17 also PIPE and XFSZ), all of which sigbridge refuses, and not the JVM's HUP, INT,
 * TERM and QUIT handlers. Such lines are tolerated here and printed to the test's output.
 */
class JniCheckChildTest {
    @Test
    void everyJniPathIsCleanUnderXcheckJni() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(JniCheckChild.class).start()) {
            int exit = child.awaitExit();
            String output = child.output();
            System.out.println("JniCheckChild output:\n" + output);
            assertEquals(0, exit, child.describe());
            List<String> out = child.stdoutLines();
            assertTrue(out.stream().anyMatch(l -> l.startsWith("JVMARGS ") && l.contains("-Xcheck:jni")),
                    "the child ran under -Xcheck:jni\n" + child.describe());
            assertTrue(out.contains("DONE"), child.describe());
            assertTrue(out.stream().filter(l -> l.startsWith("OK ")).count() >= 12, child.describe());
            assertFalse(output.contains("WARNING in native method"), "a JNI warning\n" + child.describe());
            assertFalse(output.contains("FATAL ERROR in native method"), "a JNI fatal error\n" + child.describe());
            List<String> signalChecker = output.lines()
                    .filter(l -> l.contains("handler modified!") || l.contains("Handler was modified"))
                    .collect(Collectors.toList());
            if (!signalChecker.isEmpty()) {
                System.out.println("HotSpot's signal checker said (tolerated): " + signalChecker);
            }
        }
    }
}
