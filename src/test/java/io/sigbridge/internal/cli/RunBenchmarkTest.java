package io.sigbridge.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The README's figures for {@code run}: the wall time of {@code run -- true} and the latency from
 * {@code kill()} on the supervisor to the child taking the signal, side by side with a plain C
 * supervisor built with the tests ({@code sb_run_probe supervise}), the child alone, and tini
 * when {@code -Dsigbridge.run.bench.tini=PATH} names one. It prints; it asserts only that every
 * run ended well and every signal arrived (times are never asserted). A few rounds by default;
 * {@code -Dsigbridge.run.bench.iterations=N} for the README's.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunBenchmarkTest {
    private static final int ITERATIONS = Integer.getInteger("sigbridge.run.bench.iterations", 5);
    private static final String TINI = System.getProperty("sigbridge.run.bench.tini", "");

    private static Map<String, List<String>> supervisors() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("java -jar sigbridge.jar run --", RunJar.plainRunCommand("--"));
        s.put("plain C supervisor (test build)", List.of(RunJar.probe(), "supervise"));
        if (!TINI.isBlank()) {
            s.put("tini --", List.of(TINI, "--"));
        }
        s.put("(no supervisor)", List.of());
        return s;
    }

    private static List<String> with(List<String> supervisor, String... command) {
        List<String> all = new ArrayList<>(supervisor);
        all.addAll(Arrays.asList(command));
        return all;
    }

    @Test
    void wallTimeOfRunTrue() throws Exception {
        StringBuilder report = new StringBuilder("run -- true, wall time in ms (" + ITERATIONS + " runs each; median, min, max)\n");
        for (Map.Entry<String, List<String>> e : supervisors().entrySet()) {
            List<String> cmd = with(e.getValue(), "true");
            long[] nanos = new long[ITERATIONS + 1];
            for (int i = 0; i <= ITERATIONS; i++) { // the first warms the page cache, not counted
                long start = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                assertTrue(p.waitFor(RunJar.WAIT_SECONDS, TimeUnit.SECONDS));
                nanos[i] = System.nanoTime() - start;
                assertEquals(0, p.exitValue(), e.getKey());
            }
            long[] counted = Arrays.copyOfRange(nanos, 1, nanos.length);
            Arrays.sort(counted);
            report.append(String.format("  %-34s %8.1f %8.1f %8.1f%n", e.getKey(), ms(counted[counted.length / 2]),
                    ms(counted[0]), ms(counted[counted.length - 1])));
        }
        System.out.print(report);
    }

    @Test
    void killToChildHandlerLatency() throws Exception {
        int signals = Math.max(50, ITERATIONS * 40);
        StringBuilder report = new StringBuilder("kill(supervisor, USR1) to the child taking it, in µs ("
                + signals + " signals each after 20 not counted; p50, p90, p99, max)\n");
        for (Map.Entry<String, List<String>> e : supervisors().entrySet()) {
            try (ChildProcess s = RunJar.start(ChildProcess.command(with(e.getValue(), RunJar.probe(), "signals", "--stamp")))) {
                s.awaitPid("ready");
                long target = s.pid();
                long[] micros = new long[signals];
                for (int i = -20; i < signals; i++) {
                    long sent = System.nanoTime(); // CLOCK_MONOTONIC, as the child's stamp
                    Signals.send(target, Signal.USR1);
                    String[] line = s.nextLine().split(" ");
                    assertEquals("10", line[0], e.getKey());
                    if (i >= 0) {
                        micros[i] = (Long.parseLong(line[1]) - sent) / 1000;
                    }
                }
                Arrays.sort(micros);
                report.append(String.format("  %-34s %7d %7d %7d %7d%n", e.getKey(), micros[signals / 2],
                        micros[signals * 9 / 10], micros[signals * 99 / 100], micros[signals - 1]));
            }
        }
        System.out.print(report);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
