package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.probe;
import static io.sigbridge.internal.cli.RunJar.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.Signal;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The scenarios of dumb-init's {@code tests/} (github.com/Yelp/dumb-init), each written anew
 * against {@code java -jar sigbridge.jar run}. dumb-init's "setsid mode" (its default: the child
 * in a new session, signals to its group) is run's default group mode; its "no setsid" mode is
 * {@code --single-child}. Where dumb-init's test checks its own wording, these check ours.
 * The tty tests are in RunTerminalTest; the ones that do not apply are listed in the README.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunDumbInitScenariosTest {
    private static final List<String> SUSPEND = List.of("TSTP", "TTOU", "TTIN");

    /** dumb-init's NORMAL_SIGNALS: 1..31 but KILL, STOP, CHLD and the suspend signals. */
    private static List<Integer> normalSignals() {
        List<Integer> normal = new ArrayList<>();
        for (int sig = 1; sig <= 31; sig++) {
            String name = Signal.ofNumber(sig).name();
            if (!List.of("KILL", "STOP", "CHLD").contains(name) && !SUSPEND.contains(name)) {
                normal.add(sig);
            }
        }
        return normal;
    }

    private static String[] with(List<String> options, String... command) {
        List<String> all = new ArrayList<>(options);
        all.add("--");
        all.addAll(List.of(command));
        return all.toArray(new String[0]);
    }

    static Stream<List<String>> bothModes() {
        return Stream.of(List.of(), List.of("--single-child"));
    }

    /** test_proxies_signals. */
    @ParameterizedTest
    @MethodSource("bothModes")
    void proxiesSignals(List<String> mode) throws Exception {
        try (ChildProcess s = RunJar.start(with(mode, probe(), "signals"))) {
            s.awaitPid("ready");
            for (int sig : normalSignals()) {
                s.send(sig);
                assertEquals(Integer.toString(sig), s.nextLine(), "signal " + sig);
            }
        }
    }

    static Stream<Arguments> rewrites() {
        return Stream.of(
                Arguments.of(Map.of(), List.of("TERM", "QUIT", "CONT", "INT"), List.of(15, 3, 18, 2)),
                Arguments.of(Map.of("TERM", "INT"), List.of("TERM", "QUIT", "CONT", "INT"), List.of(2, 3, 18, 2)),
                Arguments.of(ordered("TERM", "INT", "INT", "TERM", "QUIT", "QUIT"),
                        List.of("TERM", "QUIT", "CONT", "INT"), List.of(2, 3, 18, 15)),
                // the lowest and highest of dumb-init's range, by number
                Arguments.of(ordered("1", "31", "31", "1"), List.of("HUP", "SYS"), List.of(31, 1)));
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static List<String> rewriteOptions(Map<String, String> map) {
        List<String> options = new ArrayList<>();
        map.forEach((from, to) -> {
            options.add("--rewrite");
            options.add(from + ":" + to);
        });
        return options;
    }

    /** test_proxies_signals_with_rewrite, in both modes. */
    @ParameterizedTest
    @MethodSource("rewrites")
    void proxiesSignalsWithRewrite(Map<String, String> map, List<String> sent, List<Integer> expected) throws Exception {
        for (List<String> mode : bothModes().toList()) {
            List<String> options = new ArrayList<>(mode);
            options.addAll(rewriteOptions(map));
            try (ChildProcess s = RunJar.start(with(options, probe(), "signals"))) {
                s.awaitPid("ready");
                for (int i = 0; i < sent.size(); i++) {
                    s.send(sent.get(i));
                    assertEquals(Integer.toString(expected.get(i)), s.nextLine(), sent.get(i) + " with " + map + " " + mode);
                }
            }
        }
    }

    /** test_ignored_signals_are_not_proxied: rewriting to 0 (or to nothing) drops a signal. */
    @Test
    void droppedSignalsAreNotProxied() throws Exception {
        try (ChildProcess s = RunJar.start("-r", "TERM:QUIT", "-r", "INT:0", "--rewrite", "WINCH:", "--", probe(), "signals")) {
            s.awaitPid("ready");
            s.send("TERM");
            s.send("INT");
            assertEquals("3", s.nextLine());
            s.send("WINCH");
            s.send("HUP");
            assertEquals("1", s.nextLine());
        }
    }

    /**
     * test_shell_background_support_without_setsid (and the setsid one, run's default): a
     * suspend signal is forwarded, then the supervisor stops; CONT resumes it and is forwarded.
     */
    @ParameterizedTest
    @MethodSource("bothModes")
    void suspendSignalsAreForwardedThenTheSupervisorStops(List<String> mode) throws Exception {
        try (ChildProcess s = RunJar.start(with(mode, probe(), "signals"))) {
            s.awaitPid("ready");
            for (String signal : SUSPEND) {
                s.send(signal);
                assertEquals(Integer.toString(Signal.named(signal).number()), s.nextLine());
                await("run stopped after " + signal, () -> state(s.pid()) == 'T');
                s.send("CONT");
                assertEquals("18", s.nextLine());
                await("run resumed", () -> state(s.pid()) != 'T');
            }
        }
    }

    /** test_shell_background_support_setsid: a child that does stop on them stops with run. */
    @Test
    void aChildThatStopsOnSuspendSignalsStopsAndResumesWithTheSupervisor() throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c", "echo ready $$; exec sleep 1000")) {
            long child = s.awaitNumber("ready");
            s.killOnClose(child);
            for (String signal : SUSPEND) {
                s.send(signal);
                await("both stopped after " + signal, () -> state(s.pid()) == 'T' && state(child) == 'T');
                s.send("CONT");
                await("both resumed", () -> state(s.pid()) != 'T' && state(child) != 'T');
            }
        }
    }

    /** test_default_rewrites_can_be_overriden_with_setsid_enabled: rewritten, and still stopping. */
    @Test
    void rewrittenSuspendSignalsStillStopTheSupervisor() throws Exception {
        try (ChildProcess s = RunJar.start("-r", "TTIN:TERM", "-r", "TTOU:INT", "-r", "TSTP:HUP", "--grace", "1h",
                "--", probe(), "signals")) {
            s.awaitPid("ready");
            Map<String, Integer> map = ordered3("TTIN", 15, "TTOU", 2, "TSTP", 1);
            for (Map.Entry<String, Integer> e : map.entrySet()) {
                s.send(e.getKey());
                assertEquals(Integer.toString(e.getValue()), s.nextLine());
                await("run stopped after " + e.getKey(), () -> state(s.pid()) == 'T');
                s.send("CONT");
                assertEquals("18", s.nextLine());
                await("run resumed", () -> state(s.pid()) != 'T');
            }
        }
    }

    private static Map<String, Integer> ordered3(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return m;
    }

    /** A pipeline in the background of the child's shell: six processes in all, as dumb-init's. */
    private static final String PIPELINE = "sleep 1000 | cat & sleep 1000 | cat >&2 & echo started; wait";

    private static List<Long> awaitPipeline(ChildProcess s) throws InterruptedException {
        s.awaitLine("started");
        await("the pipeline's four processes", () -> RunJar.tree(s.pid()).size() == 5);
        List<Long> pids = RunJar.tree(s.pid());
        pids.forEach(s::killOnClose);
        return pids;
    }

    /** test_setsid_signals_entire_group. */
    @Test
    void termReachesTheWholeGroup() throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c", PIPELINE)) {
            List<Long> pids = awaitPipeline(s);
            s.send("TERM");
            s.assertExit(143);
            await("every process of the group gone", () -> pids.stream().noneMatch(RunJar::exists));
        }
    }

    /** test_no_setsid_doesnt_signal_entire_group: with --single-child only the shell gets it. */
    @Test
    void termReachesOnlyTheChildWithSingleChild() throws Exception {
        try (ChildProcess s = RunJar.start("--single-child", "--", "sh", "-c", PIPELINE)) {
            List<Long> pids = awaitPipeline(s);
            long shell = RunJar.children(s.pid()).get(0);
            s.send("TERM");
            s.assertExit(143);
            await("the shell gone", () -> !RunJar.exists(shell) || state(shell) == 'Z');
            pids.remove(shell);
            assertEquals(4, pids.stream().filter(RunJar::exists).count(), "the pipeline lives on: " + pids);
        }
    }

    /** test_all_processes_receive_term_on_exit_if_setsid (and then KILL after the grace). */
    @Test
    void whatOutlivesTheChildGetsTerm() throws Exception {
        try (ChildProcess s = RunJar.start("--grace", "500ms", "--", "sh", "-c", probe() + " signals & sleep 1")) {
            long left = s.awaitPid("ready");
            assertEquals("15", s.nextLine());
            s.assertExit(0);
            assertTrue(!RunJar.exists(left) || state(left) == 'Z', "the leftover was killed after the grace");
        }
    }

    /** test_processes_dont_receive_term_on_exit_if_no_setsid. */
    @Test
    void whatOutlivesTheChildIsLeftAloneWithSingleChild() throws Exception {
        try (ChildProcess s = RunJar.start("--single-child", "--", "sh", "-c", probe() + " signals & sleep 1")) {
            long left = s.awaitPid("ready");
            assertTrue(s.process().waitFor(RunJar.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, s.process().exitValue());
            for (String signal : List.of("HUP", "INT", "QUIT")) {
                io.sigbridge.Signals.send(left, Signal.named(signal));
                assertEquals(Integer.toString(Signal.named(signal).number()), s.nextLine(), "no TERM came first");
            }
        }
    }

    /** test_fails_nonzero_with_bad_exec. */
    @ParameterizedTest
    @ValueSource(strings = {"/doesnotexist", "-- /doesnotexist", "-c /doesnotexist", "--single-child -- /doesnotexist"})
    void failsWithABadExec(String args) throws Exception {
        try (ChildProcess s = RunJar.start(args.split(" "))) {
            s.assertExit(127);
            assertTrue(s.stderrLines().contains("sigbridge run: /doesnotexist: No such file or directory"), s.toString());
        }
    }

    /** cli_test: no arguments, an invalid option, --help/-h, --version/-V. */
    @Test
    void commandLine() throws Exception {
        try (ChildProcess s = RunJar.start()) {
            s.assertExit(2);
            assertTrue(s.stderrLines().stream().anyMatch(l -> l.contains("usage: run")), s.toString());
        }
        try (ChildProcess s = RunJar.start("--yolo", "/bin/true")) {
            s.assertExit(2);
        }
        for (String flag : List.of("-h", "--help")) {
            try (ChildProcess s = RunJar.start(flag)) {
                s.assertExit(0);
                assertTrue(s.stdoutLines().get(0).startsWith("usage: run"), s.toString());
            }
        }
        for (String flag : List.of("-V", "--version")) {
            try (ChildProcess s = RunJar.start(flag)) {
                s.assertExit(0);
                assertTrue(s.stdoutLines().get(0).startsWith("sigbridge run "), s.toString());
            }
        }
    }

    /** test_verbose and test_verbose_and_single_child: the command's output is untouched. */
    @ParameterizedTest
    @ValueSource(strings = {"-v", "--verbose", "-v -c", "--verbose --single-child"})
    void verbose(String flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(flags.split(" ")));
        args.addAll(List.of("echo", "oh,", "hi"));
        try (ChildProcess s = RunJar.start(args.toArray(new String[0]))) {
            s.assertExit(0);
            assertEquals(List.of("oh, hi"), s.stdoutLines());
            assertTrue(s.stderrLines().stream().anyMatch(l -> l.matches("sigbridge run: child \\d+ started.*")), s.toString());
            assertTrue(s.stderrLines().stream().anyMatch(l -> l.matches("sigbridge run: child \\d+ ended: exit status 0")), s.toString());
            assertEquals("sigbridge run: exit status 0", s.stderrLines().get(s.stderrLines().size() - 1), s.toString());
        }
    }

    /** test_rewrite_errors: each malformed --rewrite is a usage error (2), the command never runs. */
    @ParameterizedTest
    @ValueSource(strings = {"-r", "-r|", "-r|herp", "-r|herp:derp", "-r|15", "-r|15::12", "-r|15:derp",
            "-r|15:12|-r", "-r|15:12|-r|0", "-r|15:12|-r|1:32", "-r|KILL:TERM", "-r|CHLD:TERM"})
    void rewriteErrors(String args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args.split("\\|", -1)));
        all.addAll(List.of("echo", "oh,", "hi"));
        try (ChildProcess s = RunJar.start(all.toArray(new String[0]))) {
            s.assertExit(2);
            assertEquals(List.of(), s.stdoutLines(), "the command did not run");
            assertTrue(s.stderrLines().get(0).startsWith("sigbridge run: "), s.toString());
        }
    }

    /** exit_status_test: the child's own status... */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 32, 64, 127, 254, 255})
    void exitStatusOfARegularExit(int status) throws Exception {
        for (List<String> mode : bothModes().toList()) {
            try (ChildProcess s = RunJar.start(with(mode, "sh", "-c", "exit " + status))) {
                s.assertExit(status);
            }
        }
    }

    /** ...and 128+n when signal n ended it. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "HUP", "QUIT", "KILL"})
    void exitStatusWhenASignalEndedTheChild(String signal) throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c", "kill -" + signal + " $$")) {
            s.assertExit(128 + Signal.named(signal).number());
        }
    }

    /** tests/test-zombies: a grandchild that ended is reaped while the child still runs. */
    @Test
    void anEndedOrphanIsNoZombieASecondLater() throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c",
                "echo child $$; sh -c 'sh -c \"echo i am a zombie\" &' & sleep 1; echo looked; exec sleep 1000")) {
            s.killOnClose(s.awaitNumber("child")); // killing run leaves its child running
            s.awaitLine("looked");
            List<Long> zombies = RunJar.children(s.pid()).stream().filter(p -> state(p) == 'Z').toList();
            assertEquals(List.of(), zombies, "zombies under the supervisor while its child runs");
            assertTrue(s.stdoutLines().contains("i am a zombie"), s.toString());
        }
    }
}
