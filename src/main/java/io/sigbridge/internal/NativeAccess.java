package io.sigbridge.internal;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;

/**
 * JEP 472 (JDK 24+): {@code System.load} and {@code System.loadLibrary} are restricted methods.
 * Unless native access is enabled for the calling module the JVM prints "WARNING: A restricted
 * method in java.lang.System has been called", and a future JDK will refuse the call. This
 * class tells the user the exact flag for the way sigbridge was started: the class path
 * ({@code --enable-native-access=ALL-UNNAMED}, or {@code Enable-Native-Access: ALL-UNNAMED} in
 * an executable jar's manifest) or the module path ({@code --enable-native-access=io.sigbridge}).
 *
 * <p>The library is compiled for Java 17, so {@code Module.isNativeAccessEnabled()} (Java 22)
 * is called reflectively; before JDK 24 nothing is restricted for JNI and nothing is said.
 */
public final class NativeAccess {
    /** The first JDK on which loading a JNI library is a restricted method. */
    static final int FIRST_RESTRICTED_FEATURE = 24;

    private static boolean warned;

    private NativeAccess() {}

    /** Logs {@link #disabledMessage()} once, at WARNING, if there is one. */
    static synchronized void warnIfDisabled() {
        String message = disabledMessage();
        if (message != null && !warned) {
            warned = true;
            // Only now: the first System.getLogger starts the logging backend, some 50 ms of a
            // JVM's start, which `sigbridge run` would spend before every command it starts.
            System.getLogger("io.sigbridge").log(Level.WARNING, message);
        }
    }

    /**
     * What to add to the command line, or null when nothing is needed: before JDK 24, or when
     * native access is enabled for sigbridge's module.
     */
    public static String disabledMessage() {
        Module module = NativeAccess.class.getModule();
        if (Runtime.version().feature() < FIRST_RESTRICTED_FEATURE || isEnabled(module)) {
            return null;
        }
        return message(module.isNamed() ? module.getName() : null);
    }

    /** The message for a named module, or for the class path when {@code moduleName} is null. */
    static String message(String moduleName) {
        String where = moduleName == null ? "on the class path" : "as module " + moduleName;
        String flag = "--enable-native-access=" + (moduleName == null ? "ALL-UNNAMED" : moduleName);
        return "sigbridge loads its JNI library with System.load, a restricted method since JDK 24"
                + " (JEP 472), and native access is not enabled for it (it runs " + where + "):"
                + " add " + flag + " to the java command line"
                + (moduleName == null ? " (or Enable-Native-Access: ALL-UNNAMED to an executable"
                        + " jar's manifest)" : "")
                + " to silence the JVM's restricted-method warning; later JDKs will refuse to load"
                + " the library without it.";
    }

    private static boolean isEnabled(Module module) {
        try {
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            return Boolean.TRUE.equals(m.invoke(module));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // a JDK without the API has no restriction to warn about
        }
    }
}
