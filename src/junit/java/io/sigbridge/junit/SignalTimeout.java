package io.sigbridge.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hung-test watchdog of {@link SigbridgeListener} for one test method, or for each test
 * method of a class (and of its {@code @Nested} classes): a dump of every thread, with locks, to
 * a file named after the test when it has run for {@link #dumpAfter()}, and after
 * {@link #haltAfter()} a last dump, a line on standard error and {@link Runtime#halt} with
 * {@link SigbridgeJUnit#HALT_STATUS}. The time counts from before the {@code @BeforeEach}
 * methods to after the {@code @AfterEach} methods. A method's annotation replaces its class's.
 *
 * <pre>{@code
 * @SignalTimeout(dumpAfter = "30s", haltAfter = "2m")
 * class ServerShutdownTest { ... }
 * }</pre>
 *
 * <p>Unlike JUnit's {@code @Timeout}, nothing is interrupted: the test is left as it is while
 * its stacks are written, and a test that ignores interrupts, or a JVM stuck in native code,
 * still ends the run. Runs alongside the listener's own watchdog, if configured; the earlier
 * deadline wins.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(SignalTimeoutExtension.class)
public @interface SignalTimeout {
    /**
     * How long the test may run before the early-warning dump: {@code 500ms}, {@code 30s},
     * {@code 5m}, {@code 1h} or ISO-8601; empty for none.
     *
     * @return the duration, or empty
     */
    String dumpAfter() default "";

    /**
     * How long the test may run before the last dump and the halt; empty for none.
     *
     * @return the duration, or empty
     */
    String haltAfter() default "";

    /**
     * The dump directory; empty for {@link SigbridgeJUnit#DUMP_DIR}'s value, or its default.
     *
     * @return the directory, or empty
     */
    String dir() default "";
}
