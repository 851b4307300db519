package io.sigbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.testsupport.ChildProcess;
import io.sigbridge.testsupport.SuspendResumeChild;

/**
 * sigbridge must refuse exactly the signal HotSpot suspends and resumes threads with, however
 * {@code _JAVA_SR_SIGNUM} is written (issue 13 #13). HotSpot takes the number only in
 * {@code max(SEGV, BUS) < n < NSIG} and keeps USR2 otherwise, and reads it with {@code strtol}
 * on JDK 17, with the stricter {@code parse_integer} on 25 (" 40abc", "+40", 2^32 + 40 keep USR2
 * there; "0x28" is 40); a child JVM (on each JDK the suite runs on) shows which signal really
 * carries HotSpot's handler, and sigbridge's reservation must agree with it.
 */
class SuspendResumeSignalTest {
    @ParameterizedTest
    @ValueSource(strings = {"70", "5", "-3", "abc", "40", " 40abc", "4294967336", "+40", " 40", "040", "0x28", ""})
    void theReservedSignalIsTheOneHotSpotTookForSuspendResume(String setting) throws Exception {
        int usr2 = Signal.USR2.number();
        int candidate = 40; // a real-time signal: where "40" (and 2^32 + 40, as an int) moves it
        try (ChildProcess child = ChildProcess.jvm(SuspendResumeChild.class)
                .viaShell("export _JAVA_SR_SIGNUM='" + setting + "'")
                .args(Integer.toString(usr2), Integer.toString(candidate)).start()) {
            for (String line : child.stdoutLines()) {
                if (!line.startsWith("SIGNAL ")) {
                    continue;
                }
                var fields = ChildProcess.fields(line);
                assertEquals(fields.get("hotspot"), fields.get("reserved"),
                        "_JAVA_SR_SIGNUM='" + setting + "': " + line + "\n" + child.describe());
            }
            assertEquals(2, child.stdoutLines().stream().filter(l -> l.startsWith("SIGNAL ")).count(),
                    child.describe());
        }
    }
}
