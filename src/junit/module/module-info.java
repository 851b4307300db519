/**
 * sigbridge's JUnit 5 harnesses: dumps of hung tests with a hard backstop, dumps on SIGABRT and
 * on a chosen signal, death tests, and signal hygiene between tests. The jar is
 * {@code io.sigbridge:sigbridge:<version>:junit}; it needs JUnit Platform's launcher and JUnit
 * Jupiter's API at run time (every Jupiter run has both) and brings no dependency of its own.
 *
 * <p>The listener is found by the JUnit launcher through the {@link java.util.ServiceLoader},
 * here ({@code provides}) and on the class path ({@code META-INF/services}).
 */
module io.sigbridge.junit {
    exports io.sigbridge.junit;

    requires transitive io.sigbridge;
    requires java.management;
    requires transitive org.junit.platform.launcher;
    requires transitive org.junit.jupiter.api;

    // A death test's child gets the jars of the engines this run has (DeathRun.classPath).
    uses org.junit.platform.engine.TestEngine;

    provides org.junit.platform.launcher.TestExecutionListener with io.sigbridge.junit.SigbridgeListener;
    provides org.junit.jupiter.api.extension.Extension with io.sigbridge.junit.SignalHygieneExtension;
}
