package io.sigbridge.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails each test (of the class, or the one method) that leaves a sigbridge registration open
 * or a signal's disposition changed, naming the registration and where it was opened, and
 * closes what it left open so the next test starts with the dispositions of before. Checked
 * after the {@code @AfterEach} methods, so a registration closed there is no leak; one opened in
 * {@code @BeforeAll} is not the test's.
 *
 * <p>The same for every test of a run, without annotations: set
 * {@link SigbridgeJUnit#HYGIENE}{@code =fail} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(SignalHygieneExtension.class)
public @interface SignalHygiene {
}
