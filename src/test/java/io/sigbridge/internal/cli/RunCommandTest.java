package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.internal.ProcessTable;
import io.sigbridge.testsupport.ChildProcess;

/**
 * {@code java -jar sigbridge.jar run} as a user runs it, under real {@code kill}: what the issue
 * asks beyond tini's and dumb-init's own scenarios (those are in RunTiniScenariosTest and
 * RunDumbInitScenariosTest).
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunCommandTest {
    @Test
    void termIsForwardedAndTheChildsTrapStatusIsTheSupervisorsStatus() throws Exception {
        try (ChildProcess s = RunJar.start("--grace", "20s", "--", "sh", "-c",
                "trap 'echo trapped TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done")) {
            s.awaitLine("ready");
            s.send("TERM");
            s.assertExit(3);
            assertTrue(s.stdoutLines().contains("trapped TERM"), s.toString());
        }
    }

    @Test
    void aChildThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        try (ChildProcess s = RunJar.start("--grace", "300ms", "--", "sh", "-c",
                "trap '' TERM; echo ready $$; sleep 1000")) {
            long child = s.awaitNumber("ready");
            s.send("TERM");
            s.assertExit(137);
            assertTrue(ProcessTable.runningMembers(child).isEmpty(), "nothing of the group is left");
        }
    }

    /**
     * Every signal a process may catch reaches the child, the ones HotSpot owns (SEGV, BUS, FPE,
     * ILL, QUIT, USR2, PIPE, XFSZ) and every real-time one included; before the C supervisor a
     * kill -ALRM ended the supervisor and kill -SEGV aborted its JVM. The suspend signals are
     * RunDumbInitScenariosTest's. The child's parent is the pid `java` had: replaced in place.
     */
    @Test
    void everyCatchableSignalIsForwardedAndThePidStaysTheSame() throws Exception {
        try (ChildProcess s = RunJar.start("--", probe(), "signals")) {
            long child = s.awaitPid("ready");
            assertEquals(s.pid(), Long.parseLong(RunJar.statFields(child)[1]), "the child's parent is java's pid");
            List<Integer> sent = new ArrayList<>();
            for (int sig = 1; sig <= 31; sig++) {
                if (!Set.of("KILL", "STOP", "CHLD", "TSTP", "TTIN", "TTOU").contains(Signal.ofNumber(sig).name())) {
                    sent.add(sig);
                }
            }
            for (Signal rt : Signal.all()) {
                if (rt.isRealtime()) {
                    sent.add(rt.number());
                }
            }
            for (int sig : sent) {
                s.send(sig);
                assertEquals(Integer.toString(sig), s.nextLine(), "SIG" + Signal.ofNumber(sig).name() + " forwarded");
            }
            assertTrue(RunJar.exists(s.pid()), "the supervisor is still there");
        }
    }

    /** A real-time signal's value survives forwarding to the child alone (sigqueue). */
    @Test
    void aQueuedValueReachesASingleChild() throws Exception {
        try (ChildProcess s = RunJar.start("--single-child", "--", probe(), "signals")) {
            s.awaitPid("ready");
            Signal rt = Signal.realtime(1);
            Signals.send(s.pid(), rt, 4242);
            assertEquals(rt.number() + " value 4242", s.nextLine());
        }
    }

    @Test
    void aBurstOfUsr1IsForwarded() throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c",
                "trap 'echo got USR1' USR1; trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done")) {
            s.awaitLine("ready");
            for (int i = 0; i < 20; i++) {
                s.send("USR1");
            }
            s.awaitLine("got USR1"); // standard signals merge while pending: at least one, at most 20
            s.send("TERM");
            s.assertExit(0);
            long got = s.stdoutLines().stream().filter("got USR1"::equals).count();
            assertTrue(got >= 1 && got <= 20, got + " USR1 traps ran");
        }
    }

    /** The issue: a run inside run did not pass QUIT and USR2 on. */
    @Test
    void aNestedSupervisorPassesQuitAndUsr2On() throws Exception {
        List<String> inner = RunJar.runCommand("--", probe(), "signals");
        List<String> args = new ArrayList<>(List.of("--"));
        args.addAll(inner);
        try (ChildProcess s = RunJar.start(args.toArray(new String[0]))) {
            s.awaitPid("ready");
            s.send("QUIT");
            assertEquals("3", s.nextLine());
            s.send("USR2");
            assertEquals("12", s.nextLine());
        }
    }

    @Test
    void aChildKilledBySigkillGives137() throws Exception {
        try (ChildProcess s = RunJar.start("--", "sh", "-c", "kill -KILL $$")) {
            s.assertExit(137);
        }
    }

    @Test
    void orphansOfTheChildAreEndedAndReaped() throws Exception {
        try (ChildProcess s = RunJar.start("--grace", "2s", "--", "sh", "-c", "sleep 1000 & echo orphan $!; exit 4")) {
            long orphan = s.awaitNumber("orphan");
            s.assertExit(4);
            // Gone means ended and reaped: no /proc entry at all.
            assertFalse(ProcessTable.isRunning(orphan), "the orphaned sleep " + orphan + " still runs");
            assertTrue(ProcessTable.read(orphan).isEmpty(), "the orphaned sleep " + orphan + " was left unreaped");
        }
    }

    @Test
    void helpExits0UsageErrorsExit2AMissingProgramExits127(@TempDir Path dir) throws Exception {
        try (ChildProcess help = RunJar.start("-h")) {
            help.assertExit(0);
            assertTrue(help.stdoutLines().stream().anyMatch(l -> l.contains("--rewrite FROM:TO")), help.toString());
        }
        try (ChildProcess help = RunJar.start("--help")) {
            help.assertExit(0);
        }
        try (ChildProcess none = RunJar.start()) {
            none.assertExit(2);
        }
        try (ChildProcess zero = RunJar.start("--grace", "0s", "--", "true")) {
            zero.assertExit(2);
        }
        try (ChildProcess unknown = RunJar.start("--yolo", "true")) {
            unknown.assertExit(2);
            assertTrue(unknown.stderrLines().stream().anyMatch(l -> l.contains("unknown option '--yolo'")), unknown.toString());
        }
        for (String[] args : List.of(new String[] {"/no/such/program"}, new String[] {"--", "/no/such/program"})) {
            try (ChildProcess missing = RunJar.start(args)) {
                missing.assertExit(127);
                assertTrue(missing.stderrLines().contains("sigbridge run: /no/such/program: No such file or directory"),
                        missing.toString());
            }
        }
        Path notExecutable = Files.writeString(dir.resolve("not-executable"), "echo ran\n");
        try (ChildProcess s = RunJar.start("--", notExecutable.toString())) {
            s.assertExit(126);
            assertTrue(s.stderrLines().contains("sigbridge run: " + notExecutable + ": Permission denied"), s.toString());
        }
    }

    @Test
    void versionIsTheJarsOwn() throws Exception {
        for (String flag : List.of("--version", "-V")) {
            try (ChildProcess s = RunJar.start(flag)) {
                s.assertExit(0);
                assertTrue(s.stdoutLines().size() == 1 && s.stdoutLines().get(0).matches("sigbridge run \\d+\\.\\d+\\.\\d+.*"), s.toString());
            }
        }
    }

    /**
     * Issue 13 item 8: the old re-exec passed the arguments through GetStringUTFChars (modified
     * UTF-8): an emoji came out as two U+FFFD. Under a C locale the JVM cannot even decode it;
     * the child must get the bytes `java` got, whatever they are.
     */
    @Test
    void theChildGetsTheArgumentBytesJavaWasStartedWith() throws Exception {
        try (ChildProcess s = RunJar.start("--", "printf", "%s\\n", "😀")) {
            s.assertExit(0);
            assertEquals(List.of("😀"), s.stdoutLines());
        }
        String script = "LC_ALL=C exec " + RunJar.runShell("--", "sh", "-c", "printf %s \"$1\" | od -An -tx1", "sh")
                + " \"$(printf 'a\\377\\316b\\360\\237\\230\\200')\"";
        try (ChildProcess s = RunJar.startShell(script)) {
            s.assertExit(0);
            assertEquals("61 ff ce 62 f0 9f 98 80", String.join(" ", s.stdoutLines()).trim().replaceAll("\\s+", " "), s.toString());
        }
    }

    /** Nothing added to the environment (the re-exec added SIGBRIDGE_RUN_REEXEC and _JAVA_SR_SIGNUM). */
    @Test
    void theChildGetsExactlyTheEnvironmentJavaWasStartedWith() throws Exception {
        ChildProcess.Builder b = ChildProcess.command(RunJar.runCommand("--", "env")).clearEnvironment()
                .env("PATH", System.getenv("PATH")).env("LC_ALL", "C").env("GREETING", "grüß dich 😀");
        try (ChildProcess s = RunJar.start(b)) {
            s.assertExit(0);
            assertEquals(new TreeSet<>(List.of("PATH=" + System.getenv("PATH"), "LC_ALL=C", "GREETING=grüß dich 😀")),
                    new TreeSet<>(s.stdoutLines()));
        }
    }

    /** Descriptors `java` was given reach the child; the JVM's own (its modules image, the jar) do not. */
    @Test
    void theChildGetsTheDescriptorsJavaWasGivenAndNotTheJvms(@TempDir Path dir) throws Exception {
        Path given = Files.writeString(dir.resolve("given.txt"), "x");
        String script = "exec 7<" + RunJar.quote(given.toString()) + "; exec "
                + RunJar.runShell("--", "sh", "-c", "for f in /proc/$$/fd/*; do echo \"${f##*/} $(readlink $f)\"; done");
        try (ChildProcess s = RunJar.startShell(script)) {
            s.assertExit(0);
            assertTrue(s.stdoutLines().contains("7 " + given.toRealPath()), s.toString());
            assertTrue(s.stdoutLines().stream().noneMatch(l -> l.contains("lib/modules") || l.contains("sigbridge.jar")
                    || l.contains("/dev/random") || l.contains("socket:")), s.toString());
        }
    }

    /** dumb-init's test_working_directories: the child starts where run was started; run leaves it. */
    @Test
    void theChildStartsInTheDirectoryRunWasStartedInAndRunLeavesIt(@TempDir Path dir) throws Exception {
        ChildProcess.Builder b = ChildProcess.command(RunJar.runCommand("--", "sh", "-c",
                "readlink /proc/$PPID/cwd && readlink /proc/$$/cwd")).directory(dir);
        try (ChildProcess s = RunJar.start(b)) {
            s.assertExit(0);
            assertEquals(List.of("/", dir.toRealPath().toString()), s.stdoutLines());
        }
    }

    /** The extracted supervisor removes its copy: the JVM's deleteOnExit never runs after exec. */
    @Test
    void theExtractedSupervisorLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        List<String> cmd = RunJar.plainRunCommand("--", "true");
        cmd.add(1, "-Djava.io.tmpdir=" + tmp); // after "java"
        try (ChildProcess s = RunJar.start(ChildProcess.command(cmd))) {
            s.assertExit(0);
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** --pdeathsig: the child gets the signal when the supervisor dies, even by KILL. */
    @Test
    void theChildGetsThePdeathsigWhenTheSupervisorIsKilled() throws Exception {
        try (ChildProcess s = RunJar.start("--pdeathsig", "USR1", "--", probe(), "signals", "--exit-on", "10")) {
            long child = s.awaitPid("ready");
            s.send("KILL");
            assertEquals("10", s.nextLine());
            await("the child ends", () -> !RunJar.exists(child) || RunJar.state(child) == 'Z');
        }
    }

    /**
     * --delay TERM:1h holds TERM (a USR1 sent after it arrives first); a second TERM while it is
     * held goes on at once.
     */
    @Test
    void aDelayedSignalIsHeldAndASecondOneGoesAtOnce() throws Exception {
        try (ChildProcess s = RunJar.start("--delay", "TERM:1h", "--verbose", "--", probe(), "signals")) {
            s.awaitPid("ready");
            s.send("TERM");
            await("TERM held", () -> s.stderrLines().stream().anyMatch(l -> l.contains("held for")));
            s.send("USR1");
            assertEquals("10", s.nextLine());
            s.send("TERM");
            assertEquals("15", s.nextLine());
        }
    }

    /**
     * --timeout with --dump QUIT on a hung JVM: every process of the tree gets QUIT (here a JVM
     * in a session of its own, outside the child's group, which only the tree walk reaches) and
     * prints its threads, then TERM ends it; run exits 124, as GNU timeout does.
     */
    @Test
    void aTimeoutDumpsEveryJvmOfTheTreeThenEndsIt() throws Exception {
        String jvm = String.join(" ", TestProcesses.javaExecutable(), "-cp",
                RunJar.quote(System.getProperty("java.class.path")), RunJar.quote(HungJvm.class.getName()));
        try (ChildProcess s = RunJar.start("--timeout", "3s", "--dump", "QUIT:1s", "--grace", "5s", "--",
                "sh", "-c", "setsid " + jvm + " & wait")) {
            long hung = s.awaitNumber("hung");
            s.killOnClose(hung);
            s.assertExit(124);
            assertTrue(s.stdoutLines().stream().anyMatch(l -> l.startsWith("Full thread dump")), s.toString());
            assertTrue(s.stdoutLines().stream().anyMatch(l -> l.contains("\"main\"")), s.toString());
            assertTrue(s.stderrLines().stream().anyMatch(l -> l.contains("timed out after 3000 ms")), s.toString());
            await("the hung JVM ends", () -> !RunJar.exists(hung) || RunJar.state(hung) == 'Z');
        }
    }

    /** The JVM of the timeout test: says its pid and sleeps until ended. */
    static final class HungJvm {
        public static void main(String[] args) throws Exception {
            System.out.println("hung " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
