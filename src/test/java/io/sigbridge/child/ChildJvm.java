package io.sigbridge.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.sigbridge.Signals;
import io.sigbridge.TestProcesses;

/**
 * A second JVM for the tests that need a real process: real signals from {@code kill}, real
 * exit statuses, shutdown hooks, {@code -Xrs}, inherited dispositions.
 *
 * <p>The child runs on the same {@code java} as the test (so the Temurin 25 pass starts Temurin 25
 * children) with {@code -Xcheck:jni} and the project's classes and test classes. Its stdout is
 * read line by line as it comes; its stderr goes to a file. HotSpot's own messages (-Xcheck:jni
 * warnings, signal-handler dumps) go to stdout by default, where they could interleave with the
 * child's protocol lines; {@code -XX:+DisplayVMOutputToStderr} sends them to stderr instead, and
 * {@link #output()} returns both streams for the assertions about them.
 *
 * <p>For a quick start on a shared machine the child also gets {@code -XX:+UseSerialGC
 * -XX:TieredStopAtLevel=1}; neither changes anything about signals.
 *
 * <p>Protocol: a child main prints {@code READY <pid>} once its handlers are in place; before
 * that line the test sends nothing. Every wait is bounded ({@link #WAIT}) and fails with the
 * child's output so far. {@link #close()} kills the child forcibly if it is still there, so a
 * failing test never leaks a process.
 */
public final class ChildJvm implements AutoCloseable {
    /** The bound of every wait for a child. Generous: the machine is shared. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final String description;
    private final Process process;
    private final Path stderrFile;
    private final Thread stdoutReader;
    private final List<String> lines = new ArrayList<>();
    private boolean stdoutClosed;
    private long readyPid = -1;

    private ChildJvm(String description, Process process, Path stderrFile) {
        this.description = description;
        this.process = process;
        this.stderrFile = stderrFile;
        this.stdoutReader = new Thread(this::readStdout, "child-stdout-" + process.pid());
        this.stdoutReader.setDaemon(true);
        this.stdoutReader.start();
    }

    /** Starts a child JVM running {@code mainClass}; see {@link Builder}. */
    public static Builder of(Class<?> mainClass) {
        return new Builder(mainClass);
    }

    public static final class Builder {
        private final Class<?> mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private List<String> wrapper = List.of();

        private Builder(Class<?> mainClass) {
            this.mainClass = mainClass;
        }

        /** Extra JVM options, after the launcher's own. */
        public Builder jvmArgs(String... options) {
            jvmArgs.addAll(Arrays.asList(options));
            return this;
        }

        /** Arguments of the child's main. */
        public Builder args(String... arguments) {
            args.addAll(Arrays.asList(arguments));
            return this;
        }

        /**
         * Runs the java command through {@code sh -c 'SCRIPT; exec "$@"'}: for dispositions the
         * child must inherit (an {@code exec} keeps SIG_IGN and the pid).
         */
        public Builder viaShell(String script) {
            wrapper = List.of("sh", "-c", script + "; exec \"$@\"", "sh");
            return this;
        }

        /** Starts the child and waits for its {@code READY <pid>} line. */
        public ChildJvm start() throws IOException {
            List<String> command = new ArrayList<>(wrapper);
            command.addAll(TestProcesses.javaCommand());
            command.add("-Xcheck:jni");
            command.add("-XX:+DisplayVMOutputToStderr");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-cp");
            command.add(classPath());
            command.addAll(jvmArgs);
            command.add(mainClass.getName());
            command.addAll(args);

            Path stderr = Files.createTempFile("sigbridge-child-", ".stderr");
            stderr.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("_JAVA_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            ChildJvm child = new ChildJvm(mainClass.getSimpleName() + " " + String.join(" ", command),
                    pb.start(), stderr);
            try {
                String ready = child.awaitLine(l -> l.startsWith("READY "), "READY <pid>");
                child.readyPid = Long.parseLong(ready.substring("READY ".length()).trim().split(" ")[0]);
                assertEquals(child.process.pid(), child.readyPid,
                        "the child reports the pid the test signals (exec keeps it)\n" + child.describe());
                return child;
            } catch (RuntimeException | Error e) {
                child.close();
                throw e;
            }
        }
    }

    private static String classPath() {
        String classes = System.getProperty("sigbridge.test.classes");
        if (classes == null) {
            classes = locationOf(Signals.class);
        }
        return classes + File.pathSeparator + locationOf(ChildJvm.class);
    }

    private static String locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sigbridge-helper binary the build made (surefire passes its path). */
    public static String helper() {
        String helper = System.getProperty("sigbridge.test.helper");
        if (helper == null || !Files.isExecutable(Path.of(helper))) {
            fail("no sigbridge-helper at -Dsigbridge.test.helper=" + helper + " (run through mvn verify)");
        }
        return helper;
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

    public long pid() {
        return readyPid;
    }

    public Process process() {
        return process;
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the stream closes when the child dies or we destroy it
        } finally {
            synchronized (lines) {
                stdoutClosed = true;
                lines.notifyAll();
            }
        }
    }

    /** Waits for the first stdout line matching {@code test}, failing after {@link #WAIT}. */
    public String awaitLine(Predicate<String> test, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (lines) {
            int seen = 0;
            for (;;) {
                for (; seen < lines.size(); seen++) {
                    if (test.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (stdoutClosed || left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return fail("no stdout line " + what + " from the child within " + WAIT.toSeconds()
                + " s (or it closed stdout)\n" + describe());
    }

    /** The first line starting with {@code prefix}, waiting for it. */
    public String awaitLine(String prefix) {
        return awaitLine(l -> l.startsWith(prefix), "starting with '" + prefix + "'");
    }

    /** Writes one line to the child's stdin. */
    public void tell(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write '" + line + "' to the child\n" + describe(), e);
        }
    }

    /**
     * Sends a signal with the real {@code kill} command ({@code kill -NAME pid}) and waits for
     * it; returns the pid of that {@code kill} process (the sender the child should see).
     */
    public long kill(String signalName) throws IOException, InterruptedException {
        return run("kill", "-" + signalName, Long.toString(pid())).pid;
    }

    /** Exit status and output of a finished helper command. */
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

    /** Runs a short command (kill, the helper) to completion, bounded; fails unless it exits 0. */
    public Ran run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                fail(String.join(" ", command) + " did not finish within " + WAIT.toSeconds() + " s\n"
                        + describe());
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + out + "\n" + describe());
            }
            return new Ran(p.pid(), p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Waits for the child to end and returns its exit status (128+n when a signal ended it). */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the child did not exit within " + WAIT.toSeconds() + " s\n" + describe());
        }
        try {
            stdoutReader.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child wrote to stdout so far, one line each. */
    public List<String> stdoutLines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    public String stdout() {
        return String.join("\n", stdoutLines());
    }

    public String stderr() {
        try {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + stderrFile + ": " + e + ")";
        }
    }

    /** Both streams: everything the child and its JVM printed. */
    public String output() {
        return stdout() + "\n" + stderr();
    }

    /** For failure messages: the command, whether it still runs, and its output so far. */
    public String describe() {
        return "child " + description + "\n  alive: " + process.isAlive()
                + (process.isAlive() ? "" : ", exit " + process.exitValue())
                + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr() + "--- end ---";
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            stdoutReader.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(stderrFile);
        } catch (IOException e) {
            // deleteOnExit is registered
        }
    }
}
