package io.sigbridge.junit;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import io.sigbridge.Chain;
import io.sigbridge.Registration;
import io.sigbridge.Signal;
import io.sigbridge.SignalEvent;
import io.sigbridge.Signals;
import io.sigbridge.junit.internal.DeathChild;
import io.sigbridge.junit.internal.DumpFiles;
import io.sigbridge.junit.internal.Durations;
import io.sigbridge.junit.internal.HarnessConfig;
import io.sigbridge.junit.internal.Hygiene;
import io.sigbridge.junit.internal.RunningTests;
import io.sigbridge.junit.internal.Watchdog;

/**
 * The harness that needs no code: JUnit's launcher finds it through the {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, and
 * {@code provides} in module {@code io.sigbridge.junit}) in every run that has this jar on its
 * class or module path, under Surefire, Gradle, the console launcher or an IDE.
 *
 * <p>Configured by the parameters of {@link SigbridgeJUnit}, it
 * <ul>
 * <li>writes every thread's stack, with locks, to a file named after a test that has run longer
 *     than {@link SigbridgeJUnit#DUMP_AFTER}, and after {@link SigbridgeJUnit#HALT_AFTER} writes a
 *     last dump and halts the JVM with {@link SigbridgeJUnit#HALT_STATUS};</li>
 * <li>writes a dump file when the process is about to die of SIGABRT
 *     ({@link SigbridgeJUnit#DUMP_ABORT}) and on each delivery of a chosen signal
 *     ({@link SigbridgeJUnit#DUMP_SIGNAL});</li>
 * <li>reports each test that leaves a sigbridge registration open or a signal's disposition
 *     changed ({@link SigbridgeJUnit#HYGIENE}), through {@link System.Logger} {@code io.sigbridge.junit}
 *     at WARNING.</li>
 * </ul>
 *
 * <p>JUnit calls it on the thread that runs each test; the dumps are written on the daemon thread
 * {@code sigbridge-junit-watchdog}, the signal dumps on {@code sigbridge-dispatch}. It stays
 * inert in a death test's child JVM ({@link Deaths}), where only the death test's body matters.
 */
public class SigbridgeListener implements TestExecutionListener {
    private static final System.Logger LOG = System.getLogger("io.sigbridge.junit");

    private final Consumer<String> reporter;
    private final Map<String, NodeState> running = new HashMap<>();
    private final List<Registration> own = new ArrayList<>();
    private volatile HarnessConfig config;
    private boolean planRunning;

    /** What the ServiceLoader calls; reports go to {@link System.Logger} {@code io.sigbridge.junit}. */
    public SigbridgeListener() {
        this(SigbridgeListener::warn);
    }

    private static void warn(String message) {
        LOG.log(Level.WARNING, message);
    }

    SigbridgeListener(Consumer<String> reporter) {
        this.reporter = reporter;
    }

    /** One started, unfinished node. */
    private static final class NodeState {
        final TestIdentifier id;
        final String name;
        Watchdog.Watch watch;
        Hygiene.Before before;
        int runningChildren;

        NodeState(TestIdentifier id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /**
     * Reads the configuration and installs the dumps on SIGABRT and on the chosen signal.
     *
     * @throws IllegalArgumentException for a malformed parameter or a signal that cannot be
     *     handled (JUnit logs it; the other features stay on)
     */
    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (DeathChild.isChild()) {
            config = null;
            return;
        }
        ConfigurationParameters parameters = testPlan.getConfigurationParameters();
        Map<String, String> all = new HashMap<>();
        for (String key : parameters.keySet()) {
            parameters.get(key).ifPresent(v -> all.put(key, v));
        }
        List<String> refused = new ArrayList<>();
        HarnessConfig read = readOrDefaults(parameters, refused);
        RunningTests.planStarted(all, read);
        synchronized (this) {
            planRunning = true;
            config = read;
        }
        if (read.dumpOnAbort()) {
            install(Signal.ABRT, Chain.CONSUME, read.dumpDir(), refused);
        }
        read.dumpSignal().ifPresent(s -> install(s, dyingSignal(s) ? Chain.PREVIOUS : Chain.CONSUME,
                read.dumpDir(), refused));
        if (!refused.isEmpty()) {
            refused.forEach(reporter);
            throw new IllegalArgumentException(String.join("; ", refused));
        }
    }

    private static HarnessConfig readOrDefaults(ConfigurationParameters parameters, List<String> refused) {
        try {
            return HarnessConfig.read(parameters::get);
        } catch (IllegalArgumentException e) {
            DumpFiles.notice("bad configuration, the dumps and halts are off: " + e.getMessage());
            refused.add(e.getMessage());
            return HarnessConfig.read(key -> Optional.empty());
        }
    }

    /** Closes the signal dumps and the watches. */
    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        synchronized (this) {
            own.forEach(Registration::close);
            own.clear();
            running.values().forEach(SigbridgeListener::closeWatch);
            running.clear();
            config = null;
            planRunning = false;
        }
    }

    /** Starts the node's watch (pausing its container's) and takes the hygiene picture. */
    @Override
    public void executionStarted(TestIdentifier testIdentifier) {
        HarnessConfig c = config;
        if (c == null) {
            return;
        }
        Hygiene.Before before = c.hygiene() != HarnessConfig.Hygiene.OFF ? Hygiene.before() : null;
        NodeState node = new NodeState(testIdentifier, name(testIdentifier));
        synchronized (this) {
            if (!planRunning) {
                return;
            }
            node.before = before;
            testIdentifier.getParentId().map(running::get).ifPresent(parent -> {
                parent.runningChildren++;
                closeWatch(parent);
            });
            running.put(testIdentifier.getUniqueId(), node);
            node.watch = watch(node, c);
        }
        RunningTests.started(testIdentifier.getUniqueId(), testIdentifier.getParentId(), node.name,
                testIdentifier.isTest());
    }

    /** Stops the node's watch, reports what it left behind, resumes its container's watch. */
    @Override
    public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult testExecutionResult) {
        HarnessConfig c = config;
        if (c == null) {
            return;
        }
        NodeState node;
        Hygiene.Before before;
        synchronized (this) {
            node = running.remove(testIdentifier.getUniqueId());
            if (node == null) {
                return;
            }
            closeWatch(node);
            before = node.before;
        }
        RunningTests.finished(testIdentifier.getUniqueId(), testIdentifier.getParentId());
        if (before != null) {
            checkHygiene(node, before, c);
        }
        synchronized (this) {
            testIdentifier.getParentId().map(running::get).ifPresent(parent -> {
                if (--parent.runningChildren == 0 && config != null) {
                    parent.watch = watch(parent, c);
                }
            });
        }
    }

    private void checkHygiene(NodeState node, Hygiene.Before before, HarnessConfig c) {
        Hygiene.Findings findings = Hygiene.after(before);
        if (findings.isClean()) {
            return;
        }
        String message = findings.describe(node.name);
        if (c.hygiene() == HarnessConfig.Hygiene.FAIL && findings.leakedCount() > 0) {
            findings.closeLeaked();
            message += "\n  (closed now; to fail the test, let SignalHygieneExtension run: @SignalHygiene,"
                    + " or junit.jupiter.extensions.autodetection.enabled=true)";
            Hygiene.Findings rest = Hygiene.after(before);
            if (!rest.isClean()) {
                message += "\n  still after closing: " + rest.describe(node.name);
            }
        }
        reporter.accept(message);
        // Reported once: the containers around this node take the present as their "before".
        synchronized (this) {
            Optional<String> parentId = node.id.getParentId();
            while (parentId.isPresent()) {
                NodeState ancestor = running.get(parentId.get());
                if (ancestor == null) {
                    break;
                }
                if (ancestor.before != null) {
                    ancestor.before = Hygiene.absorb(ancestor.before, findings);
                }
                parentId = ancestor.id.getParentId();
            }
        }
    }

    private static Watchdog.Watch watch(NodeState node, HarnessConfig c) {
        if (c.dumpAfter().isEmpty() && c.haltAfter().isEmpty()) {
            return null;
        }
        Watchdog.Subject subject = new Watchdog.Subject(node.name, node.id.getUniqueId(), c.dumpDir(),
                () -> others(node.name));
        return Watchdog.start(subject, c.dumpAfter(),
                SigbridgeJUnit.DUMP_AFTER + "=" + c.dumpAfter().map(Durations::compact).orElse(""),
                c.haltAfter(), SigbridgeJUnit.HALT_AFTER + "=" + c.haltAfter().map(Durations::compact).orElse(""));
    }

    private static List<String> others(String name) {
        List<String> others = new ArrayList<>(RunningTests.innermost());
        others.remove(name);
        return others;
    }

    private static void closeWatch(NodeState node) {
        if (node.watch != null) {
            node.watch.close();
            node.watch = null;
        }
    }

    private void install(Signal signal, Chain chain, Path dir, List<String> refused) {
        try {
            Registration r = Signals.handle(signal, e -> signalDump(e, dir), chain);
            synchronized (this) {
                own.add(r);
            }
        } catch (RuntimeException | LinkageError e) {
            String why = "no dump on " + signal.name() + ": " + e.getMessage();
            DumpFiles.notice(why);
            refused.add(why);
        }
    }

    private static boolean dyingSignal(Signal s) {
        return s.equals(Signal.TERM) || s.equals(Signal.INT) || s.equals(Signal.HUP);
    }

    private static void signalDump(SignalEvent e, Path dir) throws Exception {
        List<String> tests = RunningTests.innermost();
        String test = tests.size() == 1 ? tests.get(0) : tests.isEmpty() ? "no-test" : "several-tests";
        StringBuilder what = new StringBuilder("SIG").append(e.signal().name());
        e.senderPid().ifPresent(pid -> what.append(" from pid ").append(pid));
        e.nativeThreadId().ifPresent(tid -> what.append(", received by native thread ").append(tid)
                .append(" (nid=0x").append(Long.toHexString(tid)).append(')'));
        String during = tests.isEmpty() ? "outside any test" : "during " + String.join(", ", tests);
        String headline = "sigbridge.junit: " + what + " " + during
                + (e.signal().equals(Signal.ABRT) ? "; the process ends by SIGABRT after this dump" : "");
        Path file = DumpFiles.write(dir, test, e.signal().equals(Signal.ABRT) ? "abort" : e.signal().name(),
                headline, List.of("running: " + (tests.isEmpty() ? "(none)" : String.join(", ", tests))));
        DumpFiles.notice(what + " " + during + ": thread dump in " + file);
    }

    /** "consumer.HungTest.ignoresInterrupts()" for a method, the class name for a class. */
    static String name(TestIdentifier id) {
        Optional<TestSource> source = id.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource) {
            return ((MethodSource) source.get()).getClassName() + "." + id.getLegacyReportingName();
        }
        if (source.isPresent() && source.get() instanceof ClassSource) {
            return ((ClassSource) source.get()).getClassName();
        }
        return id.getDisplayName();
    }
}
