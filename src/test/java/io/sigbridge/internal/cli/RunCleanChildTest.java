package io.sigbridge.internal.cli;

import static io.sigbridge.internal.cli.RunJar.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sigbridge.Signal;
import io.sigbridge.testsupport.ChildProcess;

/**
 * Issue 10 point 4 and issue 13 item 8, to the last bit: the child of {@code run} has the
 * ignored signals, the mask, the argument and the environment bytes {@code java} was started
 * with, whatever the locale, and nothing else. RunTiniScenariosTest's sigconf port checks three
 * signals of each kind; these check all of them.
 */
@EnabledIfSystemProperty(named = "sigbridge.test.jar", matches = ".+", disabledReason = RunJar.NEEDS_JAR)
class RunCleanChildTest {
    /**
     * The signals whose inherited SIG_IGN the JVM overwrites before any Java code runs, so that
     * {@code run} cannot know they were ignored: HotSpot's own (QUIT: thread dumps; ILL, BUS,
     * FPE, SEGV: implicit checks and the crash reporter; USR2: suspend/resume; PIPE, XFSZ) and
     * SIGRTMAX-2, the signal the JDK's NIO (sun.nio.ch.NativeThread) interrupts blocked I/O
     * with. The child gets these at their default; the README lists them.
     */
    static List<Integer> takenByTheJvm() {
        int rtmax = Signal.all().stream().filter(Signal::isRealtime).mapToInt(Signal::number).max().orElseThrow();
        List<Integer> taken = new ArrayList<>();
        for (String name : List.of("QUIT", "ILL", "BUS", "FPE", "SEGV", "USR2", "PIPE", "XFSZ")) {
            taken.add(Signal.named(name).number());
        }
        taken.add(rtmax - 2);
        return taken;
    }

    /** Every signal a process can set to SIG_IGN or block: 1..NSIG-1 but KILL and STOP. */
    private static String everyCatchableSignal() {
        List<String> all = new ArrayList<>();
        for (Signal s : Signal.all()) {
            if (!s.name().equals("KILL") && !s.name().equals("STOP")) {
                all.add(Integer.toString(s.number()));
            }
        }
        return String.join(",", all);
    }

    /** SigIgn and SigBlk of {@code cat /proc/self/status} started by the probe's launch, under run or not. */
    private static Map<String, Long> statusOfCat(String launchOption, boolean underRun) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(probe(), "launch", launchOption, everyCatchableSignal(), "--"));
        List<String> cat = List.of("cat", "/proc/self/status");
        if (underRun) {
            List<String> run = new ArrayList<>(List.of("--"));
            run.addAll(cat);
            cmd.addAll(RunJar.plainRunCommand(run.toArray(new String[0])));
        } else {
            cmd.addAll(cat);
        }
        try (ChildProcess s = RunJar.start(ChildProcess.command(cmd))) {
            s.assertExit(0);
            return RunJar.signalSets(s.stdoutLines());
        }
    }

    /**
     * Started with every signal ignored (as far as the kernel lets an exec keep it: this one
     * drops an ignored SEGV at exec), the child has exactly those ignored, less the ones the
     * JVM took over: nothing added, nothing else lost, the real-time signals included.
     */
    @Test
    void everySignalIgnoredOnEntryStaysIgnoredButThoseTheJvmTookOver() throws Exception {
        long entry = statusOfCat("--ignore", false).get("SigIgn");
        long expected = entry;
        for (int sig : takenByTheJvm()) {
            expected &= ~(1L << (sig - 1));
        }
        Map<String, Long> child = statusOfCat("--ignore", true);
        assertEquals(Long.toHexString(expected), Long.toHexString(child.get("SigIgn")),
                "ignored on entry " + Long.toHexString(entry) + " less the JVM's " + takenByTheJvm());
        assertEquals(0L, child.get("SigBlk"), "nothing blocked");
    }

    /** Started with every signal blocked, the child has every one of them blocked, nothing ignored. */
    @Test
    void everySignalBlockedOnEntryStaysBlocked() throws Exception {
        long entry = statusOfCat("--block", false).get("SigBlk");
        Map<String, Long> child = statusOfCat("--block", true);
        assertEquals(Long.toHexString(entry), Long.toHexString(child.get("SigBlk")), "the mask java was started with");
        assertEquals(0L, child.get("SigIgn"), "nothing ignored");
        assertEquals(0L, child.get("SigCgt"), "no handler");
    }

    private static final String EMOJI_AND_INVALID_UTF8 = "$(printf 'a\\377\\316b\\360\\237\\230\\200')";
    private static final String EXPECTED_BYTES = "61 ff ce 62 f0 9f 98 80";

    /**
     * {@code run -- printf '%s\n' 😀}, a non-UTF-8 argument and a non-UTF-8 environment value,
     * under a C locale (the JVM cannot decode them), a UTF-8 one (it decodes the invalid bytes
     * to U+FFFD) and none at all: the child gets the bytes {@code java} got.
     */
    @ParameterizedTest
    @ValueSource(strings = {"LC_ALL=C", "LC_ALL=C.UTF-8", "LC_ALL=POSIX", ""})
    void theChildGetsTheBytesJavaGotInAnyLocale(String locale) throws Exception {
        String env = "env -u LANG -u LC_ALL -u LC_CTYPE " + locale;
        // the emoji as printf escapes: this JVM, under a C locale, could not pass it on itself
        try (ChildProcess s = RunJar.startShell(env + " " + RunJar.runShell("--", "printf", "%s\\n")
                + " \"$(printf '\\360\\237\\230\\200')\"")) {
            s.assertExit(0);
            assertEquals(List.of("😀"), s.stdoutLines(), locale);
        }
        String dump = "printf %s \"$1\" | od -An -tx1; printf %s \"$WEIRD\" | od -An -tx1";
        String script = "WEIRD=\"" + EMOJI_AND_INVALID_UTF8 + "\" " + env + " "
                + RunJar.runShell("--", "sh", "-c", dump, "sh") + " \"" + EMOJI_AND_INVALID_UTF8 + "\"";
        try (ChildProcess s = RunJar.startShell(script)) {
            s.assertExit(0);
            List<String> lines = s.stdoutLines().stream().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
            assertEquals(List.of(EXPECTED_BYTES, EXPECTED_BYTES), lines, "argument, then environment; " + locale + " " + s);
        }
    }
}
