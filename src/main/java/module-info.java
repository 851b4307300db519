/**
 * sigbridge: real operating-system signal handling for the JVM, over a small C core and JNI.
 *
 * <p>Only {@link io.sigbridge} is exported; {@code io.sigbridge.internal} (the loader, the JNI
 * surface, the command-line tool) is not API. The module loads its native library with
 * {@code System.load}, a restricted method on JDK 24 and later: run with
 * {@code --enable-native-access=io.sigbridge} on the module path (or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path) to keep the JVM from warning.
 *
 * <p>{@code java.desktop} (the benchmark's plot) and {@code jdk.unsupported} (the benchmark's
 * {@code sun.misc.Signal} contender) are used by the command-line tool only, so they are
 * {@code requires static}: on the module path, add them with
 * {@code --add-modules java.desktop,jdk.unsupported} to run {@code bench} there.
 */
@SuppressWarnings("module") // io.sigbridge.junit is compiled after this module (issue 12)
module io.sigbridge {
    exports io.sigbridge;
    // The JUnit harnesses (module io.sigbridge.junit, sigbridge-<v>-junit.jar) list the live
    // registrations and the dispositions around each test.
    exports io.sigbridge.internal.introspect to io.sigbridge.junit;

    // ThreadDumps: the DiagnosticCommand MBean (Thread.print) for FaultReporter's reports.
    requires java.management;

    requires static java.desktop;
    requires static jdk.unsupported;
}
