package io.sigbridge.internal.introspect;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

import io.sigbridge.Registration;

/**
 * The registrations that are open right now, for the JUnit harness's hygiene check (which test
 * left one open). The dispatcher reports each registration when it opens and when it closes;
 * where it was opened is recorded only while {@link #recordOrigins} is on, because taking a
 * stack trace per registration is a cost an application should not pay.
 */
public final class LiveRegistrations {
    /** Where and on which thread a registration was opened; a stack-less one when not recorded. */
    public static final class Origin extends Throwable {
        private static final long serialVersionUID = 1L;

        Origin(String message, boolean withStack) {
            super(message, null, false, withStack);
        }
    }

    private static final Origin UNRECORDED = new Origin("(origin not recorded)", false);
    private static final Map<Registration, Origin> LIVE = new IdentityHashMap<>();
    private static volatile boolean recordOrigins;
    private static volatile boolean everOpened;

    private LiveRegistrations() {}

    /** Called by the dispatcher when a registration becomes active (its handler is installed). */
    public static void opened(Registration registration) {
        everOpened = true;
        Origin origin = recordOrigins
                ? new Origin("opened on thread \"" + Thread.currentThread().getName() + "\"", true)
                : UNRECORDED;
        synchronized (LIVE) {
            LIVE.put(registration, origin);
        }
    }

    /** Called by the dispatcher when a registration is closed. */
    public static void closed(Registration registration) {
        synchronized (LIVE) {
            LIVE.remove(registration);
        }
    }

    /** The open registrations, each with where it was opened; a copy, in no particular order. */
    public static Map<Registration, Origin> snapshot() {
        synchronized (LIVE) {
            return Collections.unmodifiableMap(new IdentityHashMap<>(LIVE));
        }
    }

    /** Whether registrations opened from now on remember their stack. */
    public static void recordOrigins(boolean on) {
        recordOrigins = on;
    }

    /**
     * Whether any registration was ever opened in this class loader: until then sigbridge has
     * installed nothing, and its native library may not even be loaded.
     */
    public static boolean everOpened() {
        return everOpened;
    }
}
