package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.Signal;
import io.sigbridge.internal.Platform;

/** The options of {@code run} as parsed, on Linux and (for the refusals) as on Windows. */
class RunOptionsTest {
    private static RunOptions linux(String... args) {
        return RunOptions.parse(List.of(args), Platform.LINUX);
    }

    private static String refusal(Platform platform, String... args) {
        return assertThrows(Main.UsageException.class, () -> RunOptions.parse(List.of(args), platform)).getMessage();
    }

    @Test
    void theCommandStartsAtDashDashOrAtTheFirstWordThatIsNoOption() {
        RunOptions o = linux("-v", "sh", "-c", "--grace");
        assertEquals(List.of("sh", "-c", "--grace"), o.command);
        assertEquals(1, o.commandStart);
        o = linux("--grace=5s", "--", "-weird-name");
        assertEquals(List.of("-weird-name"), o.command);
        assertEquals(Duration.ofSeconds(5), o.grace);
        assertEquals(List.of(), linux("-v").command);
    }

    @Test
    void everyOptionIsRead() {
        RunOptions o = linux("--rewrite", "TERM:INT", "-r", "TSTP:", "-r", "WINCH:0", "--remap-exit", "143:0",
                "-e", "7", "--remap-exit", "9", "-c", "--verbose", "--pdeathsig", "KILL", "--timeout", "30m",
                "--dump", "QUIT:5s", "--delay", "TERM:5s", "-s", "true");
        assertEquals(Optional.of(Signal.INT), o.rewrites.get(Signal.TERM));
        assertEquals(Optional.empty(), o.rewrites.get(Signal.TSTP));
        assertEquals(Optional.empty(), o.rewrites.get(Signal.WINCH));
        assertEquals(Map.of(143, 0, 7, 0, 9, 0), o.exitRemaps);
        assertTrue(o.singleChild && o.verbose);
        assertEquals("KILL", o.parentDeathSignal.name());
        assertEquals(Duration.ofMinutes(30), o.timeout);
        assertEquals(Signal.QUIT, o.dumpSignal);
        assertEquals(Duration.ofSeconds(5), o.dumpWait);
        assertEquals(Map.of(Signal.TERM, Duration.ofSeconds(5)), o.delays);
        assertEquals(List.of("true"), o.command);
        assertEquals(Signal.realtime(2), linux("-r", "RTMIN+2:SIGUSR1").rewrites.keySet().iterator().next());
    }

    @Test
    void helpAndVersionWinOverTheRest() {
        assertTrue(linux("-h", "--bogus").help);
        assertTrue(linux("--version").version);
        assertNull(linux("true").parentDeathSignal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "-r|KILL:TERM", "-r|STOP:TERM", "-r|CHLD:TERM", "-r|TERM", "-r|NOPE:TERM",
            "--remap-exit|256:0", "--remap-exit|x", "--grace|0s", "--grace|soon", "--timeout|-1s",
            "--dump|QUIT", "--delay|TERM", "--delay|CHLD:1s", "--delay|TERM:0s", "-c|-g", "--grace"})
    void badOptionsAreUsageErrorsWithTheReason(String args) {
        String message = refusal(Platform.LINUX, (args + "|true").split("\\|"));
        assertTrue(message.length() > 10, message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--rewrite|TERM:INT", "-r|TERM:INT", "--single-child", "-c", "--pdeathsig|TERM",
            "-p|KILL", "--delay|TERM:5s", "--timeout|1m|--dump|QUIT"})
    void optionsWithoutAMeaningOnWindowsAreRefusedThereWithTheReason(String args) {
        String message = refusal(Platform.WINDOWS, (args + "|true").split("\\|"));
        assertTrue(message.contains("is not available on Windows: "), message);
    }

    @Test
    void theOthersWorkOnWindows() {
        RunOptions o = RunOptions.parse(List.of("--grace", "2s", "--timeout", "1m", "--remap-exit", "1:0", "-e", "3",
                "-v", "-s", "-g", "child.exe"), Platform.WINDOWS);
        assertEquals(Map.of(1, 0, 3, 0), o.exitRemaps);
        assertEquals(List.of("child.exe"), o.command);
    }

    @Test
    void pdeathsigNeedsLinux() {
        assertTrue(refusal(Platform.MACOS, "--pdeathsig", "TERM", "true").contains("needs Linux"));
    }
}
