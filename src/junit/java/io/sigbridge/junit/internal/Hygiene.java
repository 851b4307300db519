package io.sigbridge.junit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.sigbridge.Registration;
import io.sigbridge.internal.introspect.Dispositions;
import io.sigbridge.internal.introspect.Dispositions.Disposition;
import io.sigbridge.internal.introspect.LiveRegistrations;
import io.sigbridge.internal.introspect.LiveRegistrations.Origin;

/**
 * Signal hygiene around one test: the sigbridge registrations it opened and left open, and the
 * signals whose disposition is not what it was before it.
 */
public final class Hygiene {
    private static final int ORIGIN_FRAMES = 8;

    private Hygiene() {}

    /** What was there before a test. */
    public static final class Before {
        private final Set<Registration> registrations;
        private final Optional<Map<Integer, Disposition>> dispositions;

        Before(Set<Registration> registrations, Optional<Map<Integer, Disposition>> dispositions) {
            this.registrations = registrations;
            this.dispositions = dispositions;
        }
    }

    /** Takes the picture before a test, and from now on remembers where registrations are opened. */
    public static Before before() {
        LiveRegistrations.recordOrigins(true);
        Set<Registration> open = Collections.newSetFromMap(new IdentityHashMap<>());
        open.addAll(LiveRegistrations.snapshot().keySet());
        return new Before(open, Dispositions.snapshotIfLoaded());
    }

    /** A signal whose disposition is not what it was. */
    private static final class Change {
        final int signo;
        final Disposition now;
        final String text;

        Change(int signo, Disposition now, String text) {
            this.signo = signo;
            this.now = now;
            this.text = text;
        }
    }

    /** What a test left behind; {@link #isClean()} when nothing. */
    public static final class Findings {
        private final Map<Registration, Origin> leaked;
        private final List<Change> changed;
        private final Optional<Map<Integer, Disposition>> now;

        Findings(Map<Registration, Origin> leaked, List<Change> changed, Optional<Map<Integer, Disposition>> now) {
            this.leaked = leaked;
            this.changed = changed;
            this.now = now;
        }

        public boolean isClean() {
            return leaked.isEmpty() && changed.isEmpty();
        }

        public int leakedCount() {
            return leaked.size();
        }

        /** "consumer.LeakTest.leaks() left 1 sigbridge registration open: ..." */
        public String describe(String testName) {
            StringBuilder b = new StringBuilder(testName);
            if (!leaked.isEmpty()) {
                b.append(" left ").append(leaked.size()).append(" sigbridge registration")
                        .append(leaked.size() == 1 ? "" : "s").append(" open:");
                leaked.forEach((r, origin) -> b.append("\n  ").append(r).append(", ").append(where(origin)));
            }
            if (!changed.isEmpty()) {
                b.append(leaked.isEmpty() ? " changed" : "\n  and changed").append(" the disposition of ");
                for (int i = 0; i < changed.size(); i++) {
                    b.append(i == 0 ? "" : "; ").append(changed.get(i).text);
                }
            }
            return b.toString();
        }

        /** Closes the registrations the test left open (which restores what sigbridge replaced). */
        public void closeLeaked() {
            leaked.keySet().forEach(Registration::close);
        }
    }

    /**
     * {@code before} with what {@code reported} found taken in, so that the node {@code before}
     * belongs to (a container of the reported test) does not report it again.
     */
    public static Before absorb(Before before, Findings reported) {
        Set<Registration> registrations = Collections.newSetFromMap(new IdentityHashMap<>());
        registrations.addAll(before.registrations);
        registrations.addAll(reported.leaked.keySet());
        Optional<Map<Integer, Disposition>> dispositions = before.dispositions.map(d -> {
            Map<Integer, Disposition> updated = new TreeMap<>(d);
            reported.changed.forEach(c -> updated.put(c.signo, c.now));
            reported.leaked.keySet().forEach(r -> reported.now.map(n -> n.get(r.signal().number()))
                    .ifPresent(held -> updated.put(r.signal().number(), held)));
            return updated;
        });
        return new Before(registrations, dispositions);
    }

    /** Compares the present with {@code before}. */
    public static Findings after(Before before) {
        Map<Registration, Origin> leaked = new IdentityHashMap<>();
        Set<Integer> leakedNumbers = new HashSet<>();
        LiveRegistrations.snapshot().forEach((r, origin) -> {
            if (!before.registrations.contains(r)) {
                leaked.put(r, origin);
                leakedNumbers.add(r.signal().number());
            }
        });
        Optional<Map<Integer, Disposition>> now = Dispositions.snapshotIfLoaded();
        return new Findings(leaked, changedDispositions(before, now, leakedNumbers), now);
    }

    /**
     * Signals whose disposition differs from before, except those that are sigbridge's now because
     * a leaked registration holds them (the leak says so already). Before sigbridge ever
     * installed anything there is no picture of before: then only a handler of sigbridge's
     * without an open registration counts.
     */
    private static List<Change> changedDispositions(Before before, Optional<Map<Integer, Disposition>> now,
            Set<Integer> leakedNumbers) {
        List<Change> changed = new ArrayList<>();
        if (now.isEmpty()) {
            return changed;
        }
        Set<Integer> held = new HashSet<>();
        LiveRegistrations.snapshot().keySet().forEach(r -> held.add(r.signal().number()));
        now.get().forEach((signo, disposition) -> {
            if (before.dispositions.isEmpty()) {
                if (disposition.isSigbridge() && !held.contains(signo)) {
                    changed.add(new Change(signo, disposition, Dispositions.signalName(signo)
                            + ": sigbridge's handler is installed though no registration is open"));
                }
                return;
            }
            Disposition was = before.dispositions.get().get(signo);
            boolean explainedByLeak = disposition.isSigbridge() && leakedNumbers.contains(signo);
            if (was != null && !was.equals(disposition) && !explainedByLeak) {
                changed.add(new Change(signo, disposition, Dispositions.signalName(signo) + ": " + was
                        + " before the test, " + disposition + " now"));
            }
        });
        return changed;
    }

    /** "opened on thread "main" at consumer.LeakTest.leaks(LeakTest.java:20) <- ..." */
    private static String where(Origin origin) {
        StringBuilder b = new StringBuilder(origin.getMessage());
        int shown = 0;
        for (StackTraceElement e : origin.getStackTrace()) {
            if (shown == 0 && isLibrary(e.getClassName())) {
                continue;
            }
            if (shown > 0 && isRunner(e.getClassName())) {
                break;
            }
            b.append(shown == 0 ? " at " : "\n      at ").append(e);
            if (++shown == ORIGIN_FRAMES) {
                break;
            }
        }
        return b.toString();
    }

    /** The frames below the test's own: reflection and the test engine calling it. */
    private static boolean isRunner(String className) {
        return className.startsWith("jdk.internal.reflect.") || className.startsWith("java.lang.reflect.")
                || className.startsWith("sun.reflect.") || className.startsWith("org.junit.");
    }

    /** sigbridge's own frames above the caller: io.sigbridge.Signals, Dispatcher, the introspection. */
    private static boolean isLibrary(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        return (pkg.equals("io.sigbridge") || pkg.startsWith("io.sigbridge.internal"))
                && !className.contains("Test");
    }
}
