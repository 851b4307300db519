package io.sigbridge.junit.internal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.launcher.core.LauncherFactory;

import io.sigbridge.Signal;

/**
 * One death test's child JVM, from the parent's side: the command (this JVM's java, its options,
 * its class path), the run, and how it ended.
 */
public final class DeathRun {
    private static final int TAIL_LINES = 20;
    private static final int TAIL_CHARS = 2000;
    private static final int MAX_STDERR = 8 << 20;

    private final Ending ending;
    private final String stderr;

    private DeathRun(Ending ending, String stderr) {
        this.ending = ending;
        this.stderr = stderr;
    }

    public Ending ending() {
        return ending;
    }

    public String stderr() {
        return stderr;
    }

    /** The last lines of the child's standard error, for a failure message. */
    public String stderrTail() {
        if (stderr.isBlank()) {
            return "stderr empty";
        }
        String[] lines = stderr.strip().split("\r?\n");
        String tail = String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - TAIL_LINES),
                lines.length));
        if (tail.length() > TAIL_CHARS) {
            tail = "..." + tail.substring(tail.length() - TAIL_CHARS);
        }
        return "stderr tail:\n" + tail;
    }

    /** How a child ended: an exit status, or death by a signal. */
    public static final class Ending {
        private final int status;
        private final Optional<Signal> signal;
        private final String note;

        Ending(int status, Optional<Signal> signal, String note) {
            this.status = status;
            this.signal = signal;
            this.note = note;
        }

        /** Whether the process died by {@code expected} (and not after the body returned or threw). */
        public boolean isDeathBy(Signal expected) {
            return note == null && signal.isPresent() && signal.get().equals(expected);
        }

        /** Whether the body ended the process with {@code expected}. */
        public boolean isExit(int expected) {
            return note == null && signal.isEmpty() && status == expected;
        }

        @Override
        public String toString() {
            String end = signal.map(s -> "death by " + s.name()).orElse("exit " + status);
            return note == null ? end : end + note;
        }
    }

    /**
     * Runs the death assertion {@code call} of test {@code uniqueId} in a child JVM and waits for
     * it, at most {@code timeout}.
     *
     * @param anchor a class of the test (the body's), whose class loader knows its class path
     */
    public static DeathRun run(String uniqueId, int call, Class<?> anchor, Map<String, String> configuration,
            Duration timeout) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sigbridge-death-");
        try {
            Path outcomeFile = dir.resolve("outcome");
            Path stderrFile = dir.resolve("stderr");
            Path request = dir.resolve("request.properties");
            writeRequest(request, uniqueId, call, outcomeFile, configuration);
            ProcessBuilder pb = new ProcessBuilder(command(anchor, request))
                    .directory(new File(System.getProperty("user.dir")))
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(stderrFile.toFile());
            Process child = pb.start();
            child.getOutputStream().close();
            boolean ended = child.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!ended) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            String stderr = readEnd(stderrFile);
            List<String> outcome = Files.exists(outcomeFile)
                    ? Files.readAllLines(outcomeFile, StandardCharsets.UTF_8) : List.of();
            Ending ending = ended ? interpret(child.exitValue(), outcome)
                    : new Ending(child.exitValue(), Optional.empty(), ": the child (pid " + child.pid()
                            + ") did not end within " + Durations.describe(timeout) + " and was killed ("
                            + "sigbridge.junit.death.timeout)");
            return new DeathRun(ending, stderr);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The child's stderr, or its last {@value #MAX_STDERR} bytes when it wrote more. */
    private static String readEnd(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file)) {
            long size = in.size();
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, MAX_STDERR));
            in.position(size - b.capacity());
            while (b.hasRemaining() && in.read(b) >= 0) {
                // fills the buffer
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }
    }

    /**
     * What the exit value and the outcome lines say. The JDK reports death by signal n as 128+n,
     * as a shell does, so a child that runs {@code Runtime.halt(134)} or native {@code exit(134)}
     * looks like death by ABRT; a {@code System.exit(134)} does not, because it runs the shutdown
     * hook, which records it. The JVM's own HUP, INT and TERM handling (hooks, then 128+n) counts
     * as death by that signal.
     */
    static Ending interpret(int status, List<String> outcome) {
        if (outcome.contains(DeathChild.RETURNED)) {
            return new Ending(status, Optional.empty(), " after the body returned normally");
        }
        for (String line : outcome) {
            if (line.startsWith(DeathChild.THREW)) {
                return new Ending(status, Optional.empty(), " after the body threw "
                        + line.substring(DeathChild.THREW.length()));
            }
            if (line.startsWith(DeathChild.ENDED)) {
                return new Ending(status, Optional.empty(), ": " + line.substring(DeathChild.ENDED.length()));
            }
        }
        if (!outcome.contains(DeathChild.STARTED)) {
            return new Ending(status, Optional.empty(), " before the body ran (the child JVM could not run"
                    + " the test; see its stderr)");
        }
        for (String line : outcome) {
            if (line.startsWith(DeathChild.SHUTDOWN)) {
                String by = line.substring(DeathChild.SHUTDOWN.length()).trim();
                if (!by.isEmpty() && by.startsWith("SIG")) {
                    return new Ending(status, signal(by.split(",")[0].substring(3)), null);
                }
                return new Ending(status, Optional.empty(), null); // System.exit
            }
        }
        Optional<Signal> signal = status > 128 ? signalNumbered(status - 128) : Optional.empty();
        return new Ending(status, signal, null);
    }

    private static Optional<Signal> signal(String name) {
        try {
            return Optional.of(Signal.named(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Signal> signalNumbered(int number) {
        try {
            return Optional.of(Signal.ofNumber(number));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void writeRequest(Path file, String uniqueId, int call, Path outcome,
            Map<String, String> configuration) throws IOException {
        Properties p = new Properties();
        p.setProperty("uniqueId", uniqueId);
        p.setProperty("call", Integer.toString(call));
        p.setProperty("outcome", outcome.toString());
        configuration.forEach((k, v) -> p.setProperty("config." + k, v));
        Properties system = System.getProperties();
        for (String key : system.stringPropertyNames()) {
            if (!key.startsWith("jdk.module.") && !key.startsWith("sigbridge.junit.death.")) {
                p.setProperty("sys." + key, system.getProperty(key));
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "sigbridge death test request");
        }
    }

    /** java, this JVM's options (less the debugger's and the module system's), -cp, DeathChild. */
    static List<String> command(Class<?> anchor, Path request) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            jvmOption(option).ifPresent(command::add);
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath(anchor)));
        command.add(DeathChild.class.getName());
        command.add(request.toString());
        return command;
    }

    /**
     * An option of this JVM as the child takes it: a debugger agent would fight over its port,
     * and the child puts the module path on its class path, so module options name nothing there.
     */
    static Optional<String> jvmOption(String option) {
        if (option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp") || option.equals("-Xdebug")
                || option.startsWith("-Djava.class.path=") || option.startsWith("-Djdk.module.")
                || option.startsWith("-Dsigbridge.junit.death.")) {
            return Optional.empty();
        }
        for (String moduleOption : new String[] {"--module-path", "--upgrade-module-path", "--add-modules",
                "--patch-module", "--limit-modules", "--add-reads"}) {
            if (option.startsWith(moduleOption)) {
                return Optional.empty();
            }
        }
        if (option.startsWith("--enable-native-access")) {
            return Optional.of("--enable-native-access=ALL-UNNAMED");
        }
        if ((option.startsWith("--add-opens") || option.startsWith("--add-exports"))
                && !option.endsWith("=ALL-UNNAMED")) {
            return Optional.empty();
        }
        return Optional.of(option);
    }

    /**
     * This JVM's class path and module path; the URLs of the class loaders between the test's
     * and the system's (the console launcher loads its {@code --class-path} in a loader of its
     * own); and the jars of the JUnit Platform and its engines, which Surefire and Gradle take from
     * their own dependencies when the project has not declared them (Surefire sets
     * {@code java.class.path} to the test class path and keeps the real one in
     * {@code surefire.real.class.path}).
     */
    static List<String> classPath(Class<?> anchor) {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"java.class.path", "surefire.real.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                entries.addAll(List.of(value.split(File.pathSeparator)));
            }
        }
        List<Class<?>> platform = new ArrayList<>(List.of(LauncherFactory.class, TestEngine.class,
                ReflectionSupport.class));
        for (String optional : new String[] {"org.opentest4j.AssertionFailedError", "org.apiguardian.api.API"}) {
            try {
                platform.add(Class.forName(optional, false, anchor.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // not needed to run the test then
            }
        }
        for (TestEngine engine : ServiceLoader.load(TestEngine.class, anchor.getClassLoader())) {
            platform.add(engine.getClass());
        }
        for (Class<?> c : platform) {
            codeSource(c).ifPresent(entries::add);
        }
        for (ClassLoader start : new ClassLoader[] {anchor.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            List<ClassLoader> chain = new ArrayList<>();
            for (ClassLoader l = start; l != null; l = l.getParent()) {
                chain.add(0, l);
            }
            for (ClassLoader l : chain) {
                if (l instanceof URLClassLoader) {
                    for (URL url : ((URLClassLoader) l).getURLs()) {
                        if ("file".equals(url.getProtocol())) {
                            try {
                                entries.add(Paths.get(url.toURI()).toString());
                            } catch (URISyntaxException | IllegalArgumentException e) {
                                entries.add(url.getPath());
                            }
                        }
                    }
                }
            }
        }
        entries.remove("");
        return new ArrayList<>(entries);
    }

    private static Optional<String> codeSource(Class<?> c) {
        try {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? Optional.empty()
                    : Optional.of(Paths.get(source.getLocation().toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
