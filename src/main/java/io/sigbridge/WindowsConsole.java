package io.sigbridge;

import java.util.List;
import java.util.Map;

import io.sigbridge.internal.Platform;
import io.sigbridge.internal.WindowsNatives;

/**
 * The Windows half of the dispatcher: console slots, the console routine's mode per event
 * (from the registrations) and the grace. Kept apart so the platform-neutral code stays small.
 */
final class WindowsConsole {
    static final String GRACE_PROPERTY = "sigbridge.console.grace";
    static final int DEFAULT_GRACE_MILLIS = 4000;
    /** sb_event.h: SB_SOURCE_CONSOLE. */
    static final long SOURCE_CONSOLE = 1;

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
     * it; one with a Chain.PREVIOUS registration is CHAIN; otherwise CONSUME.
     */
    static void updateModes(Map<Integer, ? extends List<Dispatcher.Entry>> entries) {
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
        }
    }
}
