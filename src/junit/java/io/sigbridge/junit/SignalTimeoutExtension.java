package io.sigbridge.junit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.sigbridge.junit.internal.Durations;
import io.sigbridge.junit.internal.HarnessConfig;
import io.sigbridge.junit.internal.JupiterContexts;
import io.sigbridge.junit.internal.Watchdog;

/**
 * The extension behind {@link SignalTimeout}: a watch from before the {@code @BeforeEach}
 * methods to after the {@code @AfterEach} methods of each test it applies to. Its dumps are
 * written on the daemon thread {@code sigbridge-junit-watchdog}.
 */
public class SignalTimeoutExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SignalTimeoutExtension.class);

    /** Made by JUnit Jupiter for {@code @SignalTimeout} or {@code @ExtendWith}. */
    public SignalTimeoutExtension() {}

    /**
     * Starts the watch.
     *
     * @throws IllegalArgumentException for a malformed duration, naming the test and the attribute
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<SignalTimeout> annotation = JupiterContexts.find(context, SignalTimeout.class);
        if (annotation.isEmpty()) {
            return;
        }
        SignalTimeout t = annotation.get();
        String where = "@SignalTimeout of " + context.getRequiredTestClass().getName();
        Optional<Duration> dumpAfter = duration(where + " dumpAfter", t.dumpAfter());
        Optional<Duration> haltAfter = duration(where + " haltAfter", t.haltAfter());
        HarnessConfig.checkOrder(dumpAfter, haltAfter);
        Path dir = Path.of(!t.dir().isEmpty() ? t.dir() : context.getConfigurationParameter(SigbridgeJUnit.DUMP_DIR)
                .orElse(SigbridgeJUnit.DEFAULT_DUMP_DIR));
        String name = JupiterContexts.testName(context);
        Watchdog.Subject subject = new Watchdog.Subject(name, context.getUniqueId(), dir, List::of);
        Watchdog.Watch watch = Watchdog.start(subject,
                dumpAfter, "@SignalTimeout(dumpAfter = \"" + t.dumpAfter() + "\")",
                haltAfter, "@SignalTimeout(haltAfter = \"" + t.haltAfter() + "\")");
        context.getStore(NAMESPACE).put(Watchdog.Watch.class, watch);
    }

    /** Stops the watch. */
    @Override
    public void afterEach(ExtensionContext context) {
        Watchdog.Watch watch = context.getStore(NAMESPACE).remove(Watchdog.Watch.class, Watchdog.Watch.class);
        if (watch != null) {
            watch.close();
        }
    }

    private static Optional<Duration> duration(String what, String text) {
        return text.isBlank() ? Optional.empty() : Optional.of(Durations.parse(what, text));
    }
}
