package io.sigbridge.junit.internal;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

import io.sigbridge.junit.Deaths;

/**
 * The child JVM of a death test, as GoogleTest re-runs its own binary: {@code main} runs the one
 * test (by its JUnit unique id) in a launcher of its own, with the parent's configuration
 * parameters and system properties; in that test the death assertions before the chosen one
 * return at once, the chosen one runs its body, and nothing after it runs: the child ends when
 * the body ends the process, and halts when the body returns or throws.
 *
 * <p>What happened is appended, one line at a time, to the outcome file the parent reads:
 * {@code started}, then {@code returned} or {@code threw ...}; {@code shutdown ...} from a
 * shutdown hook when the JVM shuts down in an orderly way ({@code System.exit}, or HUP, INT or
 * TERM handled by the JVM, which the line names); {@code ended ...} when the test finished
 * without reaching the chosen assertion.
 */
public final class DeathChild {
    static final String CALL_PROPERTY = "sigbridge.junit.death.call";
    static final String OUTCOME_PROPERTY = "sigbridge.junit.death.outcome";
    static final String STARTED = "started";
    static final String RETURNED = "returned";
    static final String THREW = "threw ";
    static final String SHUTDOWN = "shutdown";
    static final String ENDED = "ended ";
    /** The status of a child whose body returned; the outcome file says it returned. */
    static final int RETURNED_STATUS = 0;
    /** The status of a child whose body threw; the outcome file says what. */
    static final int THREW_STATUS = 1;
    /** The status of a child that did not reach the chosen assertion. */
    static final int NOT_REACHED_STATUS = 2;

    private static final AtomicInteger CALLS = new AtomicInteger();

    private DeathChild() {}

    /** Whether this JVM is a death test's child. */
    public static boolean isChild() {
        return System.getProperty(CALL_PROPERTY) != null;
    }

    /** In the child: runs the body of the chosen death assertion, and returns for the others. */
    public static void atDeathAssertion(Deaths.Body body) {
        int chosen = Integer.parseInt(System.getProperty(CALL_PROPERTY));
        if (CALLS.incrementAndGet() != chosen) {
            return;
        }
        record(STARTED);
        try {
            body.run();
        } catch (Throwable t) {
            printBodyTrace(t);
            record(THREW + oneLine(t.toString()));
            halt(THREW_STATUS);
        }
        record(RETURNED);
        halt(RETURNED_STATUS);
    }

    /**
     * The body's exception as printStackTrace would print it, less the frames of the death
     * assertion and JUnit below the body, so that the tail the parent shows is the body's.
     */
    private static void printBodyTrace(Throwable t) {
        StringBuilder b = new StringBuilder();
        String prefix = "";
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            b.append(prefix).append(c).append('\n');
            for (StackTraceElement e : c.getStackTrace()) {
                if (e.getClassName().equals(DeathChild.class.getName())) {
                    b.append("\t... (the death assertion and JUnit)\n");
                    break;
                }
                b.append("\tat ").append(e).append('\n');
            }
            prefix = "Caused by: ";
        }
        System.err.print(b);
    }

    public static void main(String[] args) throws IOException {
        Properties request = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            request.load(in);
        }
        Map<String, String> configuration = new HashMap<>();
        for (String key : request.stringPropertyNames()) {
            if (key.startsWith("sys.") && System.getProperty(key.substring(4)) == null) {
                System.setProperty(key.substring(4), request.getProperty(key));
            } else if (key.startsWith("config.")) {
                configuration.put(key.substring(7), request.getProperty(key));
            }
        }
        System.setProperty(OUTCOME_PROPERTY, request.getProperty("outcome"));
        System.setProperty(CALL_PROPERTY, request.getProperty("call"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> record(SHUTDOWN + signalHandlerThreads()),
                "sigbridge-death-test-shutdown"));
        String uniqueId = request.getProperty("uniqueId");
        Outcome outcome = new Outcome(uniqueId);
        LauncherFactory.create().execute(request().selectors(selectUniqueId(uniqueId))
                .configurationParameters(configuration).build(), outcome);
        record(ENDED + outcome.describe());
        halt(NOT_REACHED_STATUS);
    }

    /** How the chosen test ended when it did not reach the death assertion. */
    private static final class Outcome implements TestExecutionListener {
        private final String uniqueId;
        private boolean found;
        private TestExecutionResult result;
        private String skipped;

        Outcome(String uniqueId) {
            this.uniqueId = uniqueId;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            found = testPlan.getRoots().stream().anyMatch(root -> root.getUniqueId().equals(uniqueId)
                    || testPlan.getDescendants(root).stream().anyMatch(d -> d.getUniqueId().equals(uniqueId)));
        }

        @Override
        public void executionSkipped(TestIdentifier testIdentifier, String reason) {
            if (testIdentifier.getUniqueId().equals(uniqueId)) {
                skipped = reason;
            }
        }

        @Override
        public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult testExecutionResult) {
            if (testIdentifier.getUniqueId().equals(uniqueId)) {
                result = testExecutionResult;
            }
        }

        String describe() {
            if (!found) {
                return "the child found no test " + uniqueId;
            }
            if (skipped != null) {
                return "the test was skipped in the child: " + skipped;
            }
            if (result == null) {
                return "the test did not run in the child";
            }
            return "the test ended without reaching this death assertion (" + result.getStatus()
                    + result.getThrowable().map(t -> ": " + oneLine(t.toString())).orElse("") + ")";
        }
    }

    /** "SIGTERM": the JVM starts a thread "SIGTERM handler" to shut down on HUP, INT or TERM. */
    private static String signalHandlerThreads() {
        StringJoiner names = new StringJoiner(",", " ", "").setEmptyValue("");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("SIG") && n.endsWith(" handler")) {
                names.add(n.substring(0, n.length() - " handler".length()));
            }
        }
        return names.toString();
    }

    private static void record(String line) {
        String file = System.getProperty(OUTCOME_PROPERTY);
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the death test's outcome to " + file, e);
        }
    }

    private static void halt(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
