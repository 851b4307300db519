package io.sigbridge.junit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.sigbridge.junit.internal.Hygiene;
import io.sigbridge.junit.internal.JupiterContexts;

/**
 * The extension behind {@link SignalHygiene}, also registered for JUnit Jupiter's extension
 * autodetection ({@code META-INF/services/org.junit.jupiter.api.extension.Extension}): it acts on
 * tests annotated {@code @SignalHygiene}, and on every test when {@link SigbridgeJUnit#HYGIENE}
 * is {@code fail}; elsewhere it does nothing (the listener reports).
 */
public class SignalHygieneExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SignalHygieneExtension.class);

    /** Made by JUnit Jupiter for {@code @SignalHygiene}, {@code @ExtendWith} or autodetection. */
    public SignalHygieneExtension() {}

    /** Takes the picture of before the test. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (applies(context)) {
            context.getStore(NAMESPACE).put(Hygiene.Before.class, Hygiene.before());
        }
    }

    /**
     * Compares with before the test; closes what it left open.
     *
     * @throws AssertionError naming what the test left behind
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Hygiene.Before before = context.getStore(NAMESPACE).remove(Hygiene.Before.class, Hygiene.Before.class);
        if (before == null) {
            return;
        }
        Hygiene.Findings findings = Hygiene.after(before);
        if (findings.isClean()) {
            return;
        }
        String name = JupiterContexts.testName(context);
        StringBuilder message = new StringBuilder(findings.describe(name));
        if (findings.leakedCount() > 0) {
            findings.closeLeaked();
            Hygiene.Findings rest = Hygiene.after(before);
            message.append(rest.isClean() ? "\n  (closed now: the dispositions are back to before the test)"
                    : "\n  (closed now, but still: " + rest.describe(name) + ")");
        }
        throw new AssertionError(message.toString());
    }

    private static boolean applies(ExtensionContext context) {
        if (context.getConfigurationParameter(SigbridgeJUnit.HYGIENE).map(v -> v.trim().equalsIgnoreCase("fail"))
                .orElse(false)) {
            return true;
        }
        return JupiterContexts.find(context, SignalHygiene.class).isPresent();
    }
}
