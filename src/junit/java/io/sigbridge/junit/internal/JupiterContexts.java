package io.sigbridge.junit.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** What the Jupiter extensions read from a test's context. */
public final class JupiterContexts {
    private JupiterContexts() {}

    /** The test method's annotation, else its class's, else the enclosing classes' (for @Nested). */
    public static <A extends Annotation> Optional<A> find(ExtensionContext context, Class<A> type) {
        Optional<A> found = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, type));
        for (Class<?> c = context.getRequiredTestClass(); found.isEmpty() && c != null; c = c.getEnclosingClass()) {
            found = AnnotationSupport.findAnnotation(c, type);
        }
        return found;
    }

    /**
     * "consumer.HungTest.waits(int)[2]": as the listener names it (JUnit's legacy reporting name
     * of a method, with the invocation's index for a parameterized or repeated test).
     */
    public static String testName(ExtensionContext context) {
        Method m = context.getRequiredTestMethod();
        StringBuilder b = new StringBuilder(context.getRequiredTestClass().getName()).append('.')
                .append(m.getName()).append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            b.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        b.append(')');
        String id = context.getUniqueId();
        int last = id.lastIndexOf("/[");
        if (last >= 0 && id.substring(last).contains("invocation:#")) {
            b.append('[').append(id, id.lastIndexOf('#') + 1, id.length() - 1).append(']');
        }
        return b.toString();
    }
}
