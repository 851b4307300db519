package io.sigbridge.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.sigbridge.Signal;
import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;
import io.sigbridge.internal.GroupKill;

/**
 * The one way the tests start another process (a child JVM, {@code java -jar sigbridge.jar run},
 * {@code sigbridge-helper}, {@code kill}, a Windows JVM under Wine), watch what it prints and end
 * it. {@link #close()} ends the process, every descendant it still has, every pid it announced
 * ({@link #awaitPid}) and, for {@link Builder#inNewGroup()}, its whole group: a failing test
 * never leaves a process behind. Every wait is bounded ({@link Builder#timeout}, {@link #WAIT}
 * unless said otherwise) and fails with {@link #describe()}: the command and all it printed.
 *
 * <p>Output goes to files unless {@link Builder#stdoutPipe()} says otherwise. Files, because the
 * JDK's ProcessImpl drains and closes a child's stdout pipe as soon as that child exits: whatever
 * a process left behind writes afterwards would be lost (the run tests need it). A pipe, for the
 * protocol children ({@link #jvm}): their end of stdout is the end of their output, and a wait
 * for a line fails as soon as they close it.
 *
 * <p>Two ways to read stdout: {@link #firstLine} finds the first line so far or to come that
 * matches, however often it is asked; {@link #nextLine}, {@link #awaitLine} and the others read
 * on from where the previous one of them stopped, as a reader of a stream does.
 */
public final class ChildProcess implements AutoCloseable {
    /** The bound of every wait unless a builder says otherwise. Generous: the machine is shared. */
    public static final Duration WAIT = Duration.ofSeconds(TestProcesses.WAIT_SECONDS);

    /** What script(1) puts around a pty's lines: CRs and escape sequences. */
    private static final Pattern TERMINAL_CONTROL = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\r");

    /**
     * HotSpot's own messages (-Xcheck:jni warnings, handler dumps) to stderr, where they cannot
     * interleave with a protocol line; a serial GC and C1 only for a quick start on a shared
     * machine (neither changes anything about signals).
     */
    private static final List<String> PROTOCOL_JVM_OPTIONS = List.of("-Xcheck:jni",
            "-XX:+DisplayVMOutputToStderr", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** Options a user's environment could hand every JVM it starts. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS");

    /** Starts how {@link ProcessBuilder#start()} or {@code ProcessGroups.start} would. */
    @FunctionalInterface
    public interface Starter {
        Process start(ProcessBuilder builder) throws IOException;
    }

    /** A program and its arguments. */
    public static Builder command(String... words) {
        return command(Arrays.asList(words));
    }

    /** A program and its arguments. */
    public static Builder command(List<String> words) {
        return new Builder(words, null);
    }

    /**
     * A JVM of the same {@code java} as the tests ({@link TestProcesses#javaCommand()}, so the
     * Temurin 25 pass starts Temurin 25 children and the aarch64 pass aarch64 ones) running
     * {@code main} with the library's classes and the test classes.
     */
    public static Builder java(Class<?> main) {
        return new Builder(TestProcesses.javaCommand(), main);
    }

    /**
     * A protocol child: {@link #java} under {@code -Xcheck:jni} (see {@link #PROTOCOL_JVM_OPTIONS}),
     * without the JVM option variables of our environment, stdout on a pipe, and started only
     * once it printed {@code READY <its pid>} (its handlers are in place; before that line the
     * test sends nothing).
     */
    public static Builder jvm(Class<?> main) {
        Builder b = java(main).jvmOptions(PROTOCOL_JVM_OPTIONS.toArray(new String[0])).stdoutPipe().ready("READY ");
        JVM_OPTION_VARIABLES.forEach(b::withoutEnv);
        return b;
    }

    /** {@code sigbridge-helper MODE ARGS...}, stdout and stderr in one file. */
    public static Builder helper(String mode, Object... args) {
        List<String> command = new ArrayList<>(List.of(TestProcesses.helper().toString(), mode));
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        return command(command).mergeStderr();
    }

    /** What to start and how; {@link #start()} starts it. */
    public static final class Builder {
        private final List<String> program;
        private final Class<?> main;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private List<String> wrapper = List.of();
        private String classPath;
        private final Map<String, String> setEnv = new LinkedHashMap<>();
        private final Set<String> unsetEnv = new LinkedHashSet<>();
        private boolean clearEnv;
        private Path directory;
        private boolean stdoutPipe;
        private boolean mergeStderr;
        private boolean stripTerminalControl;
        private Path outputFile;
        private Duration timeout = WAIT;
        private Duration exitTimeout;
        private String readyPrefix;
        private Starter starter = ProcessBuilder::start;
        private boolean newGroup;
        private final List<Path> describedFiles = new ArrayList<>();

        private Builder(List<String> program, Class<?> main) {
            this.program = List.copyOf(program);
            this.main = main;
        }

        /** JVM options, after those of the java command (only for {@link #java} and {@link #jvm}). */
        public Builder jvmOptions(String... options) {
            requireJava("JVM options");
            jvmOptions.addAll(Arrays.asList(options));
            return this;
        }

        /** The child JVM's class path instead of the library's classes and the test classes. */
        public Builder classPath(String path) {
            requireJava("a class path");
            classPath = path;
            return this;
        }

        /** Arguments after the command (after the main class of a JVM). */
        public Builder args(String... arguments) {
            args.addAll(Arrays.asList(arguments));
            return this;
        }

        /**
         * Runs the command through {@code sh -c 'SCRIPT; exec "$@"'}: for dispositions and limits
         * the child must inherit ({@code exec} keeps SIG_IGN and the pid).
         */
        public Builder viaShell(String script) {
            wrapper = List.of("sh", "-c", script + "; exec \"$@\"", "sh");
            return this;
        }

        public Builder env(String name, String value) {
            unsetEnv.remove(name);
            setEnv.put(name, value);
            return this;
        }

        public Builder withoutEnv(String name) {
            setEnv.remove(name);
            unsetEnv.add(name);
            return this;
        }

        /** Starts from an empty environment: only what {@link #env} adds. */
        public Builder clearEnvironment() {
            clearEnv = true;
            return this;
        }

        public Builder directory(Path dir) {
            directory = dir;
            return this;
        }

        /** Stdout on a pipe, read as it comes; its end ends every wait for a line (see the class). */
        public Builder stdoutPipe() {
            stdoutPipe = true;
            return this;
        }

        /** Stderr into the same file as stdout. */
        public Builder mergeStderr() {
            mergeStderr = true;
            return this;
        }

        /** Stdout (and a merged stderr) into this file, which stays after {@link #close()}. */
        public Builder outputFile(Path file) {
            outputFile = file;
            return this;
        }

        /** A file the child writes (notes, a report), shown by {@link ChildProcess#describe()}. */
        public Builder describing(Path file) {
            describedFiles.add(file);
            return this;
        }

        /** Lines without CRs and terminal escape sequences (a pty's output, through script(1)). */
        public Builder stripTerminalControl() {
            stripTerminalControl = true;
            return this;
        }

        /** The bound of every wait (and of the wait for the exit, unless {@link #exitTimeout}). */
        public Builder timeout(Duration bound) {
            timeout = bound;
            return this;
        }

        public Builder exitTimeout(Duration bound) {
            exitTimeout = bound;
            return this;
        }

        /**
         * {@link #start()} returns once stdout has a line {@code PREFIX <pid>}, and asserts that
         * this pid is the process's (a wrapper that execs keeps it).
         */
        public Builder ready(String prefix) {
            readyPrefix = prefix;
            return this;
        }

        /** Starts through {@code starter} instead of {@link ProcessBuilder#start()}. */
        public Builder startedBy(Starter how) {
            starter = how;
            return this;
        }

        /**
         * Started by {@code ProcessGroups.start}: the child leads a process group of its own (on
         * Windows a console process group and a Job Object), and {@link #close()} kills the group.
         */
        public Builder inNewGroup() {
            newGroup = true;
            return startedBy(io.sigbridge.ProcessGroups::start);
        }

        /** The words that {@link #start()} starts. */
        public List<String> commandLine() {
            List<String> command = new ArrayList<>(wrapper);
            command.addAll(program);
            if (main != null) {
                command.addAll(jvmOptions);
                command.add("-cp");
                command.add(classPath != null ? classPath : defaultClassPath());
                command.add(main.getName());
            }
            command.addAll(args);
            return command;
        }

        public ChildProcess start() throws IOException {
            List<String> command = commandLine();
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            Map<String, String> env = pb.environment();
            if (clearEnv) {
                env.clear();
            }
            unsetEnv.forEach(env::remove);
            env.putAll(setEnv);

            List<Path> temporary = new ArrayList<>();
            Path stdoutFile = null;
            if (stdoutPipe) {
                pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
            } else {
                stdoutFile = outputFile != null ? outputFile : temporaryFile(temporary, ".out");
                pb.redirectOutput(stdoutFile.toFile());
            }
            Path stderrFile = null;
            if (mergeStderr) {
                pb.redirectErrorStream(true);
            } else {
                stderrFile = temporaryFile(temporary, ".err");
                pb.redirectError(stderrFile.toFile());
            }
            Process process;
            try {
                process = starter.start(pb);
            } catch (IOException | RuntimeException e) {
                temporary.forEach(ChildProcess::deleteQuietly);
                throw e;
            }
            ChildProcess child = new ChildProcess(this, command, process, stdoutFile, stderrFile, temporary);
            if (readyPrefix != null) {
                try {
                    String ready = child.firstLine(readyPrefix);
                    long readyPid = Long.parseLong(ready.substring(readyPrefix.length()).trim().split(" ")[0]);
                    assertEquals(process.pid(), readyPid,
                            "the child reports the pid the test signals (exec keeps it)\n" + child.describe());
                } catch (RuntimeException | Error e) {
                    child.close();
                    throw e;
                }
            }
            return child;
        }

        private void requireJava(String what) {
            if (main == null) {
                throw new IllegalStateException(what + " only for a JVM: ChildProcess.java or ChildProcess.jvm");
            }
        }

        private static Path temporaryFile(List<Path> into, String suffix) throws IOException {
            Path file = Files.createTempFile("sigbridge-child-", suffix);
            file.toFile().deleteOnExit();
            into.add(file);
            return file;
        }
    }

    private static String defaultClassPath() {
        String classes = System.getProperty("sigbridge.test.classes");
        if (classes == null) {
            classes = locationOf(Signals.class);
        }
        String testClasses = System.getProperty("sigbridge.test.testClasses");
        if (testClasses == null) {
            testClasses = locationOf(ChildProcess.class);
        }
        return classes + File.pathSeparator + testClasses;
    }

    private static String locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code key=value} words of a protocol line. */
    public static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    private final String commandText;
    private final Process process;
    private final Duration timeout;
    private final Duration exitTimeout;
    private final boolean stripTerminalControl;
    private final boolean newGroup;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final List<Path> temporary;
    private final Lines stdout = new Lines();
    private final List<Long> alsoKill = new CopyOnWriteArrayList<>();
    private final List<Path> watchedFiles = new CopyOnWriteArrayList<>();
    private final Thread stdoutPipeReader;
    private volatile Tail stdoutTail;
    private int cursor;

    private ChildProcess(Builder b, List<String> command, Process process, Path stdoutFile, Path stderrFile,
            List<Path> temporary) {
        this.commandText = String.join(" ", command);
        this.process = process;
        this.timeout = b.timeout;
        this.exitTimeout = b.exitTimeout != null ? b.exitTimeout : b.timeout;
        this.stripTerminalControl = b.stripTerminalControl;
        this.newGroup = b.newGroup;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.temporary = temporary;
        this.watchedFiles.addAll(b.describedFiles);
        if (stdoutFile == null) {
            stdoutPipeReader = new Thread(this::readStdoutPipe, "child-stdout-" + process.pid());
            stdoutPipeReader.setDaemon(true);
            stdoutPipeReader.start();
        } else {
            stdoutPipeReader = null;
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    // ---- stdout, line by line

    /** The lines of stdout as they come, from the pipe or (once asked for) from the file. */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();
        private boolean ended;

        synchronized void add(String line) {
            lines.add(line);
            notifyAll();
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }

        /** The index of the first line at or after {@code from} that matches, or -1 at the bound. */
        synchronized int await(int from, Predicate<String> test, long deadline) {
            for (int i = from;;) {
                for (; i < lines.size(); i++) {
                    if (test.test(lines.get(i))) {
                        return i;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    return -1;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }

        synchronized String get(int index) {
            return lines.get(index);
        }

        synchronized List<String> snapshot() {
            return new ArrayList<>(lines);
        }
    }

    private void readStdoutPipe() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                stdout.add(clean(line));
            }
        } catch (IOException e) {
            // the stream closes when the child dies or we destroy it
        } finally {
            stdout.end();
        }
    }

    private String clean(String line) {
        return stripTerminalControl ? TERMINAL_CONTROL.matcher(line).replaceAll("") : line;
    }

    private Lines stdoutLinesAsTheyCome() {
        if (stdoutFile != null && stdoutTail == null) {
            synchronized (this) {
                if (stdoutTail == null) {
                    stdoutTail = new Tail(stdoutFile, line -> stdout.add(clean(line)));
                }
            }
        }
        return stdout;
    }

    private String awaitIndex(int from, Predicate<String> test, String what, boolean moveCursor) {
        Lines lines = stdoutLinesAsTheyCome();
        int found = lines.await(from, test, System.nanoTime() + timeout.toNanos());
        if (found < 0) {
            return fail("no stdout line " + what + " from the child within " + timeout.toSeconds()
                    + " s (or it closed stdout)\n" + describe());
        }
        if (moveCursor) {
            synchronized (this) {
                cursor = found + 1;
            }
        }
        return lines.get(found);
    }

    /** The first stdout line (so far or to come) that matches, however often asked. */
    public String firstLine(Predicate<String> test, String what) {
        return awaitIndex(0, test, what, false);
    }

    /** The first stdout line (so far or to come) starting with {@code prefix}. */
    public String firstLine(String prefix) {
        return firstLine(l -> l.startsWith(prefix), "starting with '" + prefix + "'");
    }

    private synchronized int cursor() {
        return cursor;
    }

    /** The next stdout line not read by this or the following methods yet. */
    public String nextLine() {
        return awaitIndex(cursor(), l -> true, "after the " + cursor() + " read", true);
    }

    /** Reads on until a line starts with {@code prefix}; returns it. */
    public String awaitLine(String prefix) {
        return awaitIndex(cursor(), l -> l.startsWith(prefix), "starting with '" + prefix + "'", true);
    }

    /** Reads on until a line matches {@code regex}; returns it. */
    public String awaitMatching(String regex) {
        return awaitIndex(cursor(), l -> l.matches(regex), "matching /" + regex + "/", true);
    }

    /** Reads on until a line is exactly {@code line}. */
    public void awaitExactly(String line) {
        awaitIndex(cursor(), line::equals, "'" + line + "'", true);
    }

    /** Reads on to "PREFIX N ..."; returns N. */
    public long awaitNumber(String prefix) {
        String[] words = awaitLine(prefix).substring(prefix.length()).trim().split("\\s+");
        return Long.parseLong(words[0]);
    }

    /** {@link #awaitNumber} for the pid of a process the child started: {@link #close()} kills it. */
    public long awaitPid(String prefix) {
        long pid = awaitNumber(prefix);
        killOnClose(pid);
        return pid;
    }

    // ---- output as text

    /** Everything on stdout so far, one complete line each. */
    public List<String> stdoutLines() {
        return stdoutFile == null ? stdout.snapshot() : completeLines(read(stdoutFile));
    }

    /** Everything on stderr so far, one complete line each (empty when merged into stdout). */
    public List<String> stderrLines() {
        return stderrFile == null ? List.of() : completeLines(read(stderrFile));
    }

    private List<String> completeLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int nl; (nl = text.indexOf('\n', start)) >= 0; start = nl + 1) {
            lines.add(clean(text.substring(start, nl)));
        }
        return lines;
    }

    public String stdout() {
        return stdoutFile == null ? String.join("\n", stdout.snapshot()) : read(stdoutFile);
    }

    /** Stderr (empty when merged into stdout). */
    public String stderr() {
        return stderrFile == null ? "" : read(stderrFile);
    }

    /** Both streams: everything the child and its JVM printed. */
    public String output() {
        return stderrFile == null ? stdout() : stdout() + "\n" + stderr();
    }

    /** Waits until stderr holds {@code text}. */
    public void awaitStderr(String text) {
        awaitText("stderr", () -> stderr(), text);
    }

    /** Waits until stdout or stderr holds {@code text}. */
    public void awaitOutput(String text) {
        awaitText("output", this::output, text);
    }

    /**
     * Waits until {@code file} (one the child writes, notes of a Windows child) holds {@code text};
     * returns its content. Fails early when the child ended without writing it.
     */
    public String awaitFile(Path file, String text) {
        if (!watchedFiles.contains(file)) {
            watchedFiles.add(file);
        }
        return awaitText(file.toString(), () -> read(file), text);
    }

    private String awaitText(String where, Supplier<String> source, String text) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            boolean alive = process.isAlive(); // before the read: a text written before the end counts
            String got = source.get();
            if (got.contains(text)) {
                return got;
            }
            if (!alive) {
                return fail("the child ended (exit " + process.exitValue() + ") without '" + text + "' in its "
                        + where + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                return fail("no '" + text + "' in the child's " + where + " within " + timeout.toSeconds()
                        + " s\n" + describe());
            }
            try {
                Thread.sleep(10); // polling a file the child writes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted waiting for '" + text + "'\n" + describe());
            }
        }
    }

    // ---- input and signals

    /** Writes one line to the child's stdin. */
    public void tell(String line) {
        type(line + "\n");
    }

    /** Writes bytes to the child's stdin (for script(1): what a person types at the terminal). */
    public void type(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write '" + text + "' to the child\n" + describe(), e);
        }
    }

    /** {@link Signals#send} to the process. */
    public void send(String signal) {
        Signals.send(pid(), Signal.named(signal));
    }

    public void send(int signal) {
        Signals.send(pid(), Signal.ofNumber(signal));
    }

    /**
     * Sends a signal with the real {@code kill} command ({@code kill -NAME pid}) and waits for
     * it; returns the pid of that {@code kill} process (the sender the child should see).
     */
    public long kill(String signalName) throws IOException {
        return run("kill", "-" + signalName, Long.toString(pid())).pid;
    }

    /** Exit status and output of a finished short command. */
    public static final class Ran {
        public final long pid;
        public final int exit;
        public final String output;

        Ran(long pid, int exit, String output) {
            this.pid = pid;
            this.exit = exit;
            this.output = output;
        }
    }

    /**
     * Runs a short command (kill, the helper) to its end within this child's bound; fails,
     * showing this child too, unless it exits 0.
     */
    public Ran run(String... command) throws IOException {
        try (ChildProcess c = command(command).mergeStderr().timeout(timeout).start()) {
            int exit = c.exitWithin(exitTimeout, () -> describe());
            String out = c.output();
            if (exit != 0) {
                fail(String.join(" ", command) + " exited " + exit + ": " + out + "\n" + describe());
            }
            return new Ran(c.pid(), exit, out);
        }
    }

    /** Runs a short command to its end ({@link #WAIT}); fails unless it exits 0. */
    public static Ran runToSuccess(String... command) throws IOException {
        try (ChildProcess c = command(command).mergeStderr().start()) {
            String out = c.awaitSuccess();
            return new Ran(c.pid(), 0, out);
        }
    }

    // ---- the end

    /** Waits for the child to end and returns its exit status (128+n when signal n ended it). */
    public int awaitExit() {
        return exitWithin(exitTimeout, () -> "");
    }

    private int exitWithin(Duration bound, Supplier<String> context) {
        boolean ended;
        try {
            ended = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            String what = describe();
            endAll();
            fail("the child did not exit within " + bound.toSeconds() + " s\n" + what + context.get());
        }
        if (stdoutPipeReader != null) {
            join(stdoutPipeReader, bound);
        }
        return process.exitValue();
    }

    /** Waits for the child and asserts that it exited 0; returns its output. */
    public String awaitSuccess() {
        int status = awaitExit();
        String out = output();
        assertEquals(0, status, commandText + " exited with " + status + ": " + out);
        return out;
    }

    public void assertExit(int expected) {
        assertEquals(expected, awaitExit(), "exit status; " + describe());
    }

    /** A process the child started that {@link #close()} must end too (an orphan, a session of its own). */
    public void killOnClose(long pid) {
        alsoKill.add(pid);
    }

    /**
     * Kills the process group the child leads ({@link Builder#inNewGroup()}; on Windows its Job
     * Object) as ProcessGroups.terminate does after the grace: {@link GroupKill}.
     */
    public void killGroup() {
        GroupKill.kill(process, true);
    }

    /** For failure messages: the command, whether it still runs, and its output so far. */
    public String describe() {
        StringBuilder sb = new StringBuilder("child ").append(commandText).append(" (pid ").append(process.pid())
                .append(")\n  alive: ").append(process.isAlive());
        if (!process.isAlive()) {
            sb.append(", exit ").append(process.exitValue());
        }
        sb.append("\n--- stdout").append(stderrFile == null ? " and stderr" : "").append(" ---\n").append(stdout());
        if (stderrFile != null) {
            sb.append("\n--- stderr ---\n").append(stderr());
        }
        for (Path f : watchedFiles) {
            sb.append("\n--- ").append(f).append(" ---\n").append(read(f));
        }
        return sb.append("--- end ---").toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Ends the child, its descendants, what it announced and its group; removes temporary files. */
    @Override
    public void close() {
        endAll();
        try {
            process.waitFor(exitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stdoutPipeReader != null) {
            join(stdoutPipeReader, timeout);
        }
        Tail tail = stdoutTail;
        if (tail != null) {
            tail.stop();
        }
        stdout.end();
        temporary.forEach(ChildProcess::deleteQuietly);
    }

    private void endAll() {
        // runuser, sh and the supervisor start children of their own: end those too
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (newGroup) {
            killGroup();
        }
        process.destroyForcibly();
        for (long pid : alsoKill) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static void join(Thread thread, Duration bound) {
        try {
            thread.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // deleteOnExit is registered
        }
    }

    /** Reads a file as it grows, line by line, until stopped. */
    private static final class Tail {
        private volatile boolean stopped;

        Tail(Path file, Consumer<String> into) {
            Thread thread = new Thread(() -> follow(file, into), "tail " + file.getFileName());
            thread.setDaemon(true);
            thread.start();
        }

        private void follow(Path file, Consumer<String> into) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (InputStream in = Files.newInputStream(file)) {
                while (!stopped) {
                    int n = in.read(buf);
                    if (n <= 0) {
                        Thread.sleep(2);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                            line.write(buf[i]);
                            continue;
                        }
                        into.accept(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    }
                }
            } catch (IOException | InterruptedException e) {
                into.accept("read failed: " + e);
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
