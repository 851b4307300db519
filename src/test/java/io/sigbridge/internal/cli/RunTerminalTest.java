package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.probe;
import static io.sigbridge.internal.cli.RunJar.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.sigbridge.testsupport.ChildProcess;

/**
 * Interactive use on a real pseudo-terminal: {@code script} (util-linux, in Debian's essential
 * bsdutils) runs the command in a new session on a pty and relays our stdin to it, as a person
 * typing; it also behaves as a job-control shell would: when its child stops, it stops. Ported
 * from dumb-init's tty_test.py and tini's run_outer_tests (tty handling), plus job control.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunTerminalTest {
    /** The shell line's fields 5 and 8 of /proc/$$/stat: its group and the terminal's foreground. */
    private static final String GROUPS = "read -r a b c d pg s tty fg rest < /proc/$$/stat; echo \"%s pg=$pg fg=$fg\"";
    private static final Pattern GROUP_LINE = Pattern.compile(".*pg=(\\d+) fg=(\\d+)");

    private static void assertForeground(String line) {
        Matcher m = GROUP_LINE.matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(m.group(1), m.group(2), "the terminal's foreground group is this shell's: " + line);
    }

    /** dumb-init's test_tty: a program reading the terminal (tac) until EOF. */
    @Test
    void aProgramReadsTheTerminalUntilEof() throws Exception {
        try (ChildProcess s = RunJar.onTerminal("stty -echo -opost; echo go; exec " + RunJar.runShell("--", "tac"))) {
            s.awaitLine("go");
            s.type("1\n2\n3\n\u0004");
            assertEquals("3", s.nextLine());
            assertEquals("2", s.nextLine());
            assertEquals("1", s.nextLine());
            s.assertExit(0);
        }
    }

    /**
     * dumb-init's test_child_gets_controlling_tty_if_we_had_one and tini's "dash; exit 0": an
     * interactive shell under run has job control (its group is the terminal's foreground),
     * its exit status is run's, and afterwards the terminal is back with run's group.
     */
    @Test
    void anInteractiveShellOwnsTheTerminalAndRunTakesItBack() throws Exception {
        String outer = RunJar.runShell("--", "bash", "--norc", "--noprofile", "-m")
                + "; echo \"run exited $?\"; " + String.format(GROUPS, "outer");
        try (ChildProcess s = RunJar.onTerminal(outer)) {
            s.type("echo \"flags are: [[$-]]\"\n");
            String flags = s.awaitLine("flags are: [[");
            assertTrue(flags.matches("flags are: \\[\\[[a-zA-Z]*m[a-zA-Z]*\\]\\]"), "job control is on: " + flags);
            s.type(String.format(GROUPS, "inner") + "\n");
            assertForeground(s.awaitLine("inner pg="));
            s.type("exit 3\n");
            assertEquals("run exited 3", s.awaitLine("run exited"));
            assertForeground(s.awaitLine("outer pg="));
            s.assertExit(0);
        }
        try (ChildProcess s = RunJar.onTerminal(RunJar.runShell("--", "sh", "-i"))) {
            s.type("echo $((6 * 7))\n"); // the terminal echoes what is typed; only the shell says 42
            s.awaitMatching("(.*[#$] )?42");
            s.type("exit 0\n");
            s.assertExit(0);
        }
    }

    /** tini's Ctrl-C test: ^C at the terminal reaches the child's group (the foreground): 130. */
    @Test
    void ctrlCEndsTheChild() throws Exception {
        try (ChildProcess s = RunJar.onTerminal(RunJar.runShell("--", "sh", "-c", "while true; do echo '#'; sleep 0.1; done"))) {
            s.awaitLine("#");
            s.type("\u0003");
            s.assertExit(130);
        }
    }

    /**
     * ^Z stops the child (it is the foreground); run stops with it, so its parent sees a stopped
     * job (script stops too, as a shell would mark the job stopped); resuming that parent (a
     * shell's fg) resumes run, which gives the terminal back to the child and continues it.
     */
    @Test
    void ctrlZStopsTheJobAndFgResumesIt() throws Exception {
        try (ChildProcess s = RunJar.onTerminal("echo run $$; exec " + RunJar.runShell("--", "sleep", "1000"))) {
            long run = s.awaitNumber("run");
            await("the child", () -> RunJar.children(run).size() == 1);
            long child = RunJar.children(run).get(0);
            s.killOnClose(child);
            s.killOnClose(run);
            s.type("\u001a");
            await("child, run and script stopped", () -> state(child) == 'T' && state(run) == 'T' && state(s.pid()) == 'T');
            io.sigbridge.Signals.send(s.pid(), io.sigbridge.Signal.CONT); // fg
            await("all running again", () -> state(child) != 'T' && state(run) != 'T' && state(s.pid()) != 'T');
            assertEquals(RunJar.statFields(child)[2], RunJar.statFields(child)[5], "the child's group has the terminal again");
            s.type("\u0003");
            s.assertExit(130);
        }
    }

    /**
     * dumb-init's test_sighup_sigcont_ignored_if_was_session_leader, as it applies here: run does
     * not take the terminal over with a new session (TIOCSCTTY) but hands its own session's
     * terminal to the child's group, so no hang-up or continue is caused by that: a session
     * leader run passes on the HUP it is sent, once, and nothing else reached the child.
     */
    @Test
    void asSessionLeaderOnlyTheSignalsSentArePassedOn() throws Exception {
        try (ChildProcess s = RunJar.onTerminal("exec " + RunJar.runShell("--verbose", "--", probe(), "signals"))) {
            long child = s.awaitPid("ready");
            long run = Long.parseLong(RunJar.statFields(child)[1]);
            s.killOnClose(run);
            assertEquals(Long.toString(run), RunJar.statFields(run)[3], "run leads the session");
            io.sigbridge.Signals.send(run, io.sigbridge.Signal.HUP);
            s.awaitExactly("1");
            io.sigbridge.Signals.send(run, io.sigbridge.Signal.USR1);
            s.awaitExactly("10");
            List<String> seen = s.stdoutLines().stream().filter(l -> l.matches("\\d+")).toList();
            assertEquals(List.of("1", "10"), seen, "nothing but what was sent: " + s.stdoutLines());
            assertFalse(s.stdoutLines().stream().anyMatch(l -> l.contains("forwarded SIGCONT")), s.toString());
        }
    }
}
