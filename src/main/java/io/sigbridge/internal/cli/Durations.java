package io.sigbridge.internal.cli;

import java.time.Duration;
import java.util.Locale;

/** Reads the short durations of the command line: 30s, 500ms, 2m, 1h. */
final class Durations {
    private Durations() {}

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new Main.UsageException("not a duration: '" + text + "' (write 30s, 500ms, 2m or 1h)");
    }
}
