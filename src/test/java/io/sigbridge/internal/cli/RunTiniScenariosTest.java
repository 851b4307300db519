package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.has;
import static io.sigbridge.internal.cli.RunJar.probe;
import static io.sigbridge.internal.cli.RunJar.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.Signal;
import io.sigbridge.testsupport.ChildProcess;

/**
 * The scenarios of tini's {@code test/} (github.com/krallin/tini: run_inner_tests.py and the
 * Docker-based run_outer_tests.py), each written anew against {@code java -jar sigbridge.jar
 * run}. tini's {@code -e N} and {@code -p SIG} are accepted as they are; {@code -g} and
 * {@code -s} are what run always does. The tty tests are in RunTerminalTest; the ones that do
 * not apply are listed in the README with the reason.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunTiniScenariosTest {
    /**
     * The exit code test, on a sample of statuses (tini's runs all 256 twice: 512 JVM starts):
     * {@code -e N} makes N exit 0; with every other status remapped, N stays N.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 127, 128, 143, 254, 255})
    void exitCodeRemapping(int code) throws Exception {
        try (ChildProcess s = RunJar.start("-e", Integer.toString(code), "--", "sh", "-c", "exit " + code)) {
            s.assertExit(0);
        }
        List<String> args = new ArrayList<>();
        for (int other = 0; other < 256; other++) {
            if (other != code) {
                args.add("--remap-exit");
                args.add(other + ":0");
            }
        }
        args.addAll(List.of("sh", "-c", "exit " + code)); // without "--", as tini's POSIXLY_CORRECT run
        try (ChildProcess s = RunJar.start(args.toArray(new String[0]))) {
            s.assertExit(code);
        }
    }

    /**
     * The reaping test (stage_1/stage_2), with the reaping display test (-w; here --verbose):
     * 30 orphans of a grandchild that exited at once are reaped as each ends, while the child
     * still runs: the supervisor's tree comes down to the child alone, no zombie left in it.
     */
    @Test
    void orphansAreReapedAsTheyEnd() throws Exception {
        try (ChildProcess s = RunJar.start("--verbose", "--", "sh", "-c",
                "sh -c 'for i in $(seq 30); do sleep 0.$((i % 5 + 1)) & done'; echo spawned $$; exec sleep 1000")) {
            long child = s.awaitNumber("spawned");
            s.killOnClose(child);
            await("only the child left under the supervisor (every orphan reaped)",
                    () -> RunJar.tree(s.pid()).equals(List.of(child)));
            await("30 reaps reported", () -> s.stderrLines().stream().filter(l -> l.matches("sigbridge run: reaped orphan \\d+ \\(exit status 0\\)")).count() == 30);
            assertTrue(RunJar.exists(child) && state(child) != 'Z', "the child still runs");
        }
    }

    /** The signals test: TERM, USR1, USR2 to the supervisor end a child at default: 128+n. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "USR1", "USR2"})
    void aSignalAtItsDefaultEndsTheChild(String signal) throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c", "sleep 100; echo not reached")) {
            await("the child and its sleep", () -> RunJar.tree(s.pid()).size() == 2);
            s.send(signal);
            s.assertExit(128 + Signal.named(signal).number());
        }
    }

    /**
     * The process group test (-g, here the default): the child ignores USR1 and waits for a
     * grandchild that does not; USR1 to the supervisor ends the grandchild, then the child
     * (with the status its wait saw), then the supervisor.
     */
    @Test
    void theGroupGetsTheSignalNotOnlyTheChild() throws Exception {
        try (ChildProcess s = RunJar.start("-g", "--", "sh", "-c",
                "sleep 1000 & trap '' USR1; echo grandchild $!; wait $!; exit $?")) {
            long grandchild = s.awaitNumber("grandchild");
            await("the child and the grandchild", () -> RunJar.tree(s.pid()).size() == 2);
            s.send("USR1");
            s.assertExit(128 + Signal.USR1.number());
            assertTrue(!RunJar.exists(grandchild), "the grandchild was ended and reaped");
        }
    }

    /**
     * The signal configuration test (sigconf-test.c): started with TTOU, SEGV and INT ignored
     * and TTIN, ILL and TERM blocked, the child has the same, and nothing more. SEGV is the
     * exception: HotSpot takes it before any Java code runs, so what it was cannot be known
     * (the README says so); the child gets it at its default.
     */
    @Test
    void theChildHasTheDispositionsAndMaskRunWasStartedWith() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(probe(), "launch", "--ignore",
                numbers("TTOU", "SEGV", "INT"), "--block", numbers("TTIN", "ILL", "TERM"), "--"));
        cmd.addAll(RunJar.plainRunCommand("--", "cat", "/proc/self/status"));
        try (ChildProcess s = RunJar.start(ChildProcess.command(cmd))) {
            s.assertExit(0);
            Map<String, Long> sets = RunJar.signalSets(s.stdoutLines());
            assertEquals(mask("TTOU", "INT"), sets.get("SigIgn"), "ignored: " + s.stdoutLines());
            assertEquals(mask("TTIN", "ILL", "TERM"), sets.get("SigBlk"), "blocked: " + s.stdoutLines());
        }
        try (ChildProcess s = RunJar.start("--", "cat", "/proc/self/status")) {
            s.assertExit(0);
            Map<String, Long> sets = RunJar.signalSets(s.stdoutLines());
            assertEquals(0L, sets.get("SigIgn"), "nothing ignored that run was not started with: " + s.stdoutLines());
            assertEquals(0L, sets.get("SigBlk"), "nothing blocked: " + s.stdoutLines());
            assertEquals(0L, sets.get("SigCgt"), "no handler survives the exec: " + s.stdoutLines());
        }
    }

    private static String numbers(String... names) {
        List<String> n = new ArrayList<>();
        for (String name : names) {
            n.add(Integer.toString(Signal.named(name).number()));
        }
        return String.join(",", n);
    }

    private static long mask(String... names) {
        long m = 0;
        for (String name : names) {
            m |= 1L << (Signal.named(name).number() - 1);
            assertTrue(has(m, Signal.named(name).number()));
        }
        return m;
    }

    /**
     * The parent death signal test: run -p USR1; its parent is killed by KILL; run gets USR1
     * from the kernel and passes it on, and the child's handler runs.
     */
    @Test
    void theParentsDeathSignalIsPassedOn() throws Exception {
        try (ChildProcess s = RunJar.startShell(RunJar.runShell("-p", "SIGUSR1", "--", probe(), "signals", "--exit-on", "10")
                + "; echo never")) {
            long child = s.awaitPid("ready");
            long supervisor = Long.parseLong(RunJar.statFields(child)[1]);
            s.killOnClose(supervisor);
            s.send("KILL"); // the shell: run's parent
            assertEquals("10", s.nextLine());
            await("run ends with its child", () -> !RunJar.exists(supervisor) || state(supervisor) == 'Z');
        }
    }

    /** run_outer_tests' exit code tests: -z (unknown option), -h, zzzz (no such program). */
    @Test
    void exitCodesOfTheCommandLine() throws Exception {
        try (ChildProcess s = RunJar.start("-z")) {
            s.assertExit(2);
        }
        try (ChildProcess s = RunJar.start("-h")) {
            s.assertExit(0);
        }
        try (ChildProcess s = RunJar.start("zzzz")) {
            s.assertExit(127);
        }
    }

    /**
     * run_outer_tests runs everything as a container's PID 1. Here a new PID namespace
     * (unshare, util-linux) does that: run is PID 1, a TERM a process inside sends it reaches
     * it (the kernel drops a signal to PID 1 that has no handler: run has one for every
     * signal, though it never runs) and is forwarded; orphans are reaped there too.
     */
    @Test
    void asPid1OfAPidNamespace() throws Exception {
        Process probeNs = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true")
                .redirectErrorStream(true).start();
        boolean allowed = probeNs.waitFor(30, TimeUnit.SECONDS) && probeNs.exitValue() == 0;
        Assumptions.assumeTrue(allowed, "unshare --pid --fork --mount-proc is not permitted here"
                + " (needs CAP_SYS_ADMIN): cannot start run as PID 1");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"));
        cmd.addAll(RunJar.runCommand("--verbose", "--", "sh", "-c",
                "echo pid $$ ppid $PPID; trap 'echo got TERM; exit 5' TERM;"
                        + " sh -c 'sleep 0.2 &'; (sleep 1; kill -TERM 1) & while :; do sleep 0.05; done"));
        try (ChildProcess s = RunJar.start(ChildProcess.command(cmd))) {
            // not pid 2: the JVM's threads took the first pids of the namespace before the exec
            long child = s.awaitNumber("pid");
            assertEquals("pid " + child + " ppid 1", s.stdoutLines().stream().filter(l -> l.startsWith("pid")).findFirst().get());
            s.awaitLine("got TERM");
            s.assertExit(5);
            assertTrue(s.stderrLines().stream().anyMatch(l -> l.matches("sigbridge run: reaped orphan \\d+ \\(exit status 0\\)")),
                    "the orphaned sleep was reaped by PID 1: " + s);
            assertTrue(s.stderrLines().contains("sigbridge run: forwarded SIGTERM to group " + child), s.toString());
        }
    }
}
