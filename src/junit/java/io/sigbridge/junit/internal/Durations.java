package io.sigbridge.junit.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations of the configuration parameters: 500ms, 30s, 5m, 1h, or ISO-8601 (PT5M). */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code text}, the value of {@code parameter}.
     *
     * @throws IllegalArgumentException naming the parameter when it is no positive duration
     */
    public static Duration parse(String parameter, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        try {
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            } else if (!t.isEmpty()) {
                long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
                switch (t.charAt(t.length() - 1)) {
                    case 's':
                        d = Duration.ofSeconds(n);
                        break;
                    case 'm':
                        d = Duration.ofMinutes(n);
                        break;
                    case 'h':
                        d = Duration.ofHours(n);
                        break;
                    default:
                        break;
                }
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(parameter + "=" + text + " is not a positive duration"
                    + " (write 500ms, 30s, 5m, 1h or ISO-8601 such as PT5M)");
        }
        return d;
    }

    /** "5 s", "1.5 s", "10 min" for messages. */
    public static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** "2s", "500ms", "5m": as the parameters are written, for file names and settings. */
    public static String compact(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
