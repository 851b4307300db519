package io.sigbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import io.sigbridge.testsupport.ChildProcess;

/**
 * The end of a Windows JVM that uses sigbridge (issue 15): the dispatcher waits in
 * WaitForSingleObject, native code HotSpot's exit waits for; JVMTI VMDeath ends that wait.
 * The exit time is printed as a figure, never asserted.
 */
class ExitWindowsTest {
    private static final int RUNS = 3;
    private static final Pattern MAIN_RETURNS = Pattern.compile("main returns at (-?\\d+)");

    private Path dir;

    @BeforeEach
    void directory(TestInfo test) throws Exception {
        dir = WindowsTestSupport.childDirectory(test.getTestMethod().orElseThrow().getName());
    }

    /** Milliseconds from the child's last line of main to this JVM seeing it end. */
    private double exitMillis(String mode, int run) throws Exception {
        Path out = dir.resolve(mode + "-" + run + ".txt");
        Path log = dir.resolve(mode + "-" + run + ".log");
        int exit;
        long ended;
        try (ChildProcess c = WindowsTestSupport.child(ExitWindowsChild.class, mode, out).outputFile(log).start()) {
            exit = c.awaitExit();
            ended = System.nanoTime(); // before close(), whose look for leftovers is not the JVM's exit
        }
        String got = WindowsTestSupport.read(out);
        assertEquals(0, exit, got + WindowsTestSupport.read(log));
        Matcher m = MAIN_RETURNS.matcher(got);
        assertTrue(m.find(), got + WindowsTestSupport.read(log));
        return (ended - Long.parseLong(m.group(1))) / 1e6;
    }

    @Test
    void exitTimeAfterMainReturnsWithAndWithoutARegistration() throws Exception {
        List<Double> plain = new ArrayList<>();
        List<Double> registered = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) { // interleaved: a change of load falls on both
            plain.add(exitMillis("plain", run));
            registered.add(exitMillis("registered", run));
        }
        System.out.printf(Locale.ROOT, "Windows JVM%s: exit after main returned, median of %d:"
                + " no sigbridge %.1f ms %s, one TERM registration %.1f ms %s%n",
                WindowsTestSupport.underWine() ? " under Wine " + WindowsTestSupport.wineVersion() : "",
                RUNS, median(plain), plain, median(registered), registered);
    }

    @Test
    void aRaisedTermAndACtrlCWhileTheHooksRunReachTheirHandlers() throws Exception {
        Path out = dir.resolve("hooks.txt");
        Path log = dir.resolve("hooks.log");
        int exit = WindowsTestSupport.runChild(ExitWindowsChild.class, "hooks", out, log);
        String got = WindowsTestSupport.read(out);
        String context = "exit " + exit + "\n--- notes\n" + got + "--- log\n" + WindowsTestSupport.read(log);
        assertTrue(got.contains("console attached"), context);
        int returned = got.indexOf("main returns at");
        int hook = got.indexOf("hook running");
        assertTrue(returned >= 0 && hook > returned, context);
        assertTrue(got.indexOf("TERM handled on sigbridge-dispatch") > hook, context);
        assertTrue(got.contains("hook saw TERM"), context);
        assertTrue(got.indexOf("INT handled on sigbridge-dispatch console=CTRL_C") > hook, context);
        assertTrue(got.contains("hook saw INT"), context);
        assertEquals(0, exit, context);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
