package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.await;
import static io.sigbridge.internal.cli.RunJar.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.sigbridge.testsupport.ChildProcess;

/**
 * Issue 10 points 2 and 3 as a person at a terminal meets them: an interactive bash (with job
 * control, on the pty of {@code script}) starts {@code run} in the background; its child reads
 * the terminal, which stops it (TTIN), and run stops with it, so bash lists a stopped job;
 * {@code fg} resumes run, which hands the terminal to its child and passes the CONT on, and
 * the line typed then reaches the child. RunTerminalTest has the foreground cases.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunJobControlTest {
    @Test
    void aBackgroundJobThatReadsTheTerminalStopsAndFgLetsItRead() throws Exception {
        try (ChildProcess s = RunJar.onTerminal("bash --norc --noprofile -i")) {
            s.type("PS1='$ '\n");
            s.type(RunJar.runShell("--", "sh", "-c", "read line; echo \"got:$line\"") + " &\n");
            s.type("echo job $!\n");
            long run = s.awaitNumber("job");
            s.killOnClose(run);
            await("run stopped with its child (TTIN)", () -> state(run) == 'T'
                    && RunJar.children(run).size() == 1 && state(RunJar.children(run).get(0)) == 'T');
            long child = RunJar.children(run).get(0);
            s.killOnClose(child);
            s.type("fg\n");
            await("both resumed", () -> state(run) != 'T' && state(child) != 'T');
            assertEquals(RunJar.statFields(child)[2], RunJar.statFields(child)[5], "the child's group has the terminal");
            s.type("hello\n");
            assertEquals("got:hello", s.awaitLine("got:"));
            s.type("echo \"status $?\"\n");
            assertEquals("status 0", s.awaitLine("status "));
            s.type("exit\n");
            s.assertExit(0);
        }
    }
}
