package io.sigbridge;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

import io.sigbridge.internal.NativeSignals;
import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsNatives;

/**
 * The Windows half of the dispatcher: console slots, the console routine's mode per event
 * (from the registrations), whether the hidden window is wanted, and the grace. Kept apart so
 * the platform-neutral code stays small.
 */
final class WindowsConsole {
    static final String GRACE_PROPERTY = "sigbridge.console.grace";
    static final int DEFAULT_GRACE_MILLIS = 4000;
    private static final System.Logger LOG = System.getLogger("io.sigbridge");
    /** Whether the hidden window exists (only changed under the dispatcher's install lock). */
    private static boolean windowWanted;
    private static boolean windowWarned;

    private WindowsConsole() {}

    static void requireWindows(String what) {
        if (Platform.current() != Platform.WINDOWS) {
            throw new UnsupportedOperationException("cannot " + what + ": console control events"
                    + " exist only on Windows; use the portable signals (INT, TERM) here");
        }
    }

    static int slot(ConsoleEvent event) {
        return WindowsNatives.CONSOLE_SLOT_BASE + event.type();
    }

    static ConsoleEvent ofSlot(int slot) {
        return ConsoleEvent.ofType(slot - WindowsNatives.CONSOLE_SLOT_BASE).orElse(null);
    }

    /** Reads -Dsigbridge.console.grace (milliseconds, at most 4500) and hands it to the routine. */
    static void configure() {
        String configured = System.getProperty(GRACE_PROPERTY);
        int millis = DEFAULT_GRACE_MILLIS;
        if (configured != null) {
            try {
                millis = Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                millis = -1;
            }
            if (millis < 0 || millis > WindowsNatives.GRACE_MAX_MILLIS) {
                throw new IllegalArgumentException("-D" + GRACE_PROPERTY + "=" + configured
                        + " is not a grace: milliseconds from 0 to " + WindowsNatives.GRACE_MAX_MILLIS
                        + " (Windows ends the process about 5 s after CTRL_CLOSE)");
            }
        }
        WindowsNatives.setGrace(millis);
    }

    /**
     * Called under the dispatcher's install lock after every change: an event type no active
     * registration claims (neither its own nor its signal's) is OFF, so the JVM's routine gets
     * it; one with a Chain.PREVIOUS registration is CHAIN; otherwise CONSUME. The hidden window
     * exists while TERM, CTRL_CLOSE, CTRL_LOGOFF or CTRL_SHUTDOWN has an active registration.
     */
    static void updateModes(Map<Integer, ? extends List<Dispatcher.Entry>> entries) {
        boolean wantWindow = anyActive(entries.get(Signal.TERM.number()));
        for (ConsoleEvent event : ConsoleEvent.values()) {
            boolean any = false;
            boolean chain = false;
            for (int key : new int[] {slot(event), event.signal().number()}) {
                List<Dispatcher.Entry> list = entries.get(key);
                if (list == null) {
                    continue;
                }
                for (Dispatcher.Entry e : list) {
                    if (e.isActive()) {
                        any = true;
                        chain |= e.isActiveWithChain();
                    }
                }
            }
            int mode = !any ? WindowsNatives.MODE_OFF
                    : chain ? WindowsNatives.MODE_CHAIN : WindowsNatives.MODE_CONSUME;
            int rc = WindowsNatives.consoleMode(event.type(), mode);
            if (rc != 0) {
                throw Errors.fromCode("cannot set the console routine's mode for " + event, rc);
            }
            if (event.signal() == Signal.TERM) {
                wantWindow |= anyActive(entries.get(slot(event)));
            }
        }
        updateWindow(wantWindow);
    }

    private static boolean anyActive(List<Dispatcher.Entry> list) {
        return list != null && list.stream().anyMatch(Dispatcher.Entry::isActive);
    }

    /**
     * A window that cannot be made (no window station; Wine without a graphics driver) does not
     * fail the registration: the console events and raises still arrive; the warning says what
     * does not.
     */
    private static void updateWindow(boolean wanted) {
        if (wanted == windowWanted) {
            return;
        }
        int rc = WindowsNatives.windowWanted(wanted);
        if (rc != 0) {
            if (windowWarned) {
                return;
            }
            windowWarned = true;
            LOG.log(Level.WARNING, "sigbridge could not create its hidden window: {0} (error"
                    + " 0x{1}); taskkill /PID {2} and Signals.send({2}, TERM) cannot reach this"
                    + " JVM, and logoff and shutdown reach its handlers only as console events"
                    + " (services)", NativeSignals.errorText(rc), Integer.toHexString(rc),
                    String.valueOf(ProcessHandle.current().pid()));
            return;
        }
        windowWanted = wanted;
    }
}
