package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.sigbridge.testsupport.ChildProcess;

/**
 * Runs {@code bench} in this JVM with tiny counts and checks what it did, never how fast: the
 * figures depend on the machine and are only printed.
 */
class BenchCommandTest {
    private static final int BURST = 200;
    private static final int FLOOD = 600;

    @Test
    void benchMeasuresThreeContendersInBothCasesTheExitAndAccountsForBurstAndFlood() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(List.of("bench", "--iterations", "50", "--warmup", "20",
                "--burst", Integer.toString(BURST), "--flood", Integer.toString(FLOOD),
                "--senders", "3", "--exit-runs", "1"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println(text); // the figures, in the surefire report
        assertEquals(0, status, () -> "exit status; stderr: " + err.toString(StandardCharsets.UTF_8));

        int isolated = text.indexOf("isolated: raise(SIGUSR1)");
        assertTrue(text.indexOf("back to back: kill(") >= 0 && isolated > 0, text);
        for (String table : List.of(text.substring(0, isolated), text.substring(isolated))) {
            for (String contender : List.of(Bench.FLOOR, Bench.SIGBRIDGE, Bench.SUN_MISC)) {
                String micros = "\\s+(\\d+\\.\\d\\d)";
                Matcher row = Pattern.compile("(?m)^\\s+" + Pattern.quote(contender) + "\\s+50"
                        + micros + micros + micros + micros + "$").matcher(table);
                assertTrue(row.find(), contender + " has a row with n=50 and four figures:\n" + table);
                double p50 = Double.parseDouble(row.group(1));
                double max = Double.parseDouble(row.group(4));
                assertTrue(p50 > 0 && p50 <= max, contender + ": 0 < p50 <= max");
            }
            assertTrue(table.contains("sigbridge/floor"), "ratios are printed");
        }
        assertTrue(text.contains("side by side, p50 / p99:"), text);

        for (String child : List.of(ExitTimes.PLAIN, ExitTimes.REGISTERED)) {
            assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(child) + "\\s+\\d+\\.\\d").matcher(text).find(),
                    "an exit time for the child with " + child + ":\n" + text);
        }

        int flood = text.indexOf("flood: ");
        assertTrue(flood > 0, text);
        assertAccounted(text.substring(text.indexOf("burst: "), flood), BURST, 1);
        assertAccounted(text.substring(flood), FLOOD, 3);
    }

    private static void assertAccounted(String report, int count, int senders) {
        assertEquals(count, number(report, "sent\\s+(\\d+)"), "the helpers sent them all: " + report);
        assertEquals(senders, number(report, "by (\\d+) sender"), report);
        long delivered = number(report, "delivered\\s+(\\d+) events");
        long coalesced = number(report, "coalesced (\\d+)");
        assertEquals(count, delivered + coalesced, "every sent signal is accounted for: " + report);
        assertEquals(count, number(report, "invocations (\\d+) ="), "native handler ran once per signal");
        assertEquals(0, number(report, "duplicates (\\d+)"));
        assertEquals(0, number(report, "out-of-range (\\d+)"));
        Matcher fromHelpers = Pattern.compile("sender pid\\s+(\\d+) of (\\d+) events").matcher(report);
        assertTrue(fromHelpers.find(), report);
        assertEquals(fromHelpers.group(2), fromHelpers.group(1), "every event with a siginfo names a helper");
        assertTrue(!report.contains("INCOMPLETE"), report);
    }

    /**
     * The plot is drawn in a child JVM without -Xcheck:jni: on JDK 17 the JDK's own font
     * rasteriser (sun.font.FreetypeFontScaler) trips -Xcheck:jni's exception check (JDK-8269223,
     * fixed in 18), which would hide a real JNI warning of ours among hundreds of the JDK's.
     */
    @Test
    void benchDrawsThePlot() throws Exception {
        Path png = Path.of("target", "bench-test.png");
        Files.deleteIfExists(png);
        try (ChildProcess bench = ChildProcess.java(Main.class).classPath(System.getProperty("sigbridge.test.classes"))
                .args("bench", "--iterations", "30", "--warmup", "10", "--burst", "0", "--exit-runs", "0",
                        "--plot", png.toString())
                .mergeStderr().exitTimeout(Duration.ofSeconds(60)).start()) {
            int status = bench.awaitExit();
            String output = bench.output();
            assertEquals(0, status, output);
            assertTrue(output.contains("plot: "), output);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "the plot decodes as an image");
        assertEquals(BenchPlot.WIDTH, image.getWidth());
        assertEquals(BenchPlot.HEIGHT, image.getHeight());
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(List.of("bench", "--fast"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--fast'"));
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "/" + regex + "/ in:\n" + text);
        return Long.parseLong(m.group(1));
    }
}
