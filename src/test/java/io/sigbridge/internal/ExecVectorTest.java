package io.sigbridge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;


/**
 * Issue 13 item 8: {@code NativeSignals.exec} copies byte[][] vectors for execve. A null element,
 * a NUL inside one, or no argv[0] fails with EINVAL and the JVM goes on (the old String[] copy
 * stopped at a null element and exec'd the shorter vector); the bytes that are exec'd are the
 * bytes given, not modified UTF-8. In a child JVM, which the last call replaces.
 */
class ExecVectorTest {
    /** Tries the bad vectors, prints each result, then execs /bin/echo with an emoji's bytes. */
    public static final class ExecChild {
        public static void main(String[] args) {
            NativeLibrary.load();
            System.out.println("READY " + ProcessHandle.current().pid());
            byte[] echo = b("/bin/echo");
            byte[][] env = {b("PATH=/bin:/usr/bin")};
            System.out.println("null element " + NativeSignals.exec(echo, new byte[][] {echo, b("before"), null, b("after")}, env));
            System.out.println("NUL inside " + NativeSignals.exec(echo, new byte[][] {echo, b("cut\0here")}, env));
            System.out.println("no argv[0] " + NativeSignals.exec(echo, new byte[0][], env));
            System.out.println("null in envp " + NativeSignals.exec(echo, new byte[][] {echo, b("x")}, new byte[][] {null}));
            System.out.println("null path " + NativeSignals.exec(null, new byte[][] {echo}, env));
            System.out.flush();
            byte[] emoji = {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80};
            int rc = NativeSignals.exec(echo, new byte[][] {echo, emoji, b("exec'd")}, env);
            System.out.println("exec failed " + rc);
        }

        private static byte[] b(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void badVectorsFailWithEinvalAndTheBytesGivenAreExecd() throws Exception {
        try (ChildProcess child = ChildProcess.jvm(ExecChild.class).start()) {
            assertEquals(0, child.awaitExit(), child.describe());
            assertEquals(List.of("null element 22", "NUL inside 22", "no argv[0] 22", "null in envp 22",
                    "null path 22", "\uD83D\uDE00 exec'd"), child.stdoutLines().subList(1, child.stdoutLines().size()),
                    child.describe());
        }
    }
}
