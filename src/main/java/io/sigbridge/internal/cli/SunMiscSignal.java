package io.sigbridge.internal.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * {@code sun.misc.Signal} (module jdk.unsupported), the bench's JDK contender, reached by
 * reflection. javac reports every direct use as "internal proprietary API", a warning that no
 * {@code @SuppressWarnings} silences, and the build compiles with {@code -Werror}.
 *
 * <p>The handler is a {@link Proxy} of {@code sun.misc.SignalHandler}. Its extra cost is one
 * reflective dispatch on a thread the JDK has just started for the signal, which is small next
 * to starting that thread.
 */
final class SunMiscSignal {
    private final Class<?> signalClass;
    private final Class<?> handlerInterface;
    private final Method handle;
    private final Object signal;

    private SunMiscSignal(String name) throws ReflectiveOperationException {
        signalClass = Class.forName("sun.misc.Signal");
        handlerInterface = Class.forName("sun.misc.SignalHandler");
        handle = signalClass.getMethod("handle", signalClass, handlerInterface);
        signal = signalClass.getConstructor(String.class).newInstance(name);
    }

    /** {@code new sun.misc.Signal(name)}, e.g. "USR1". */
    static SunMiscSignal named(String name) {
        try {
            return new SunMiscSignal(name);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("sun.misc.Signal refuses SIG" + name + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("sun.misc.Signal is not available in this JVM: " + e, e);
        }
    }

    /** A previously installed handler, opaque: only good for {@link #restore}. */
    static final class Previous {
        private final Object handler;

        private Previous(Object handler) {
            this.handler = handler;
        }

        @Override
        public String toString() {
            return String.valueOf(handler);
        }
    }

    /**
     * {@code sun.misc.Signal.handle(signal, h)} where {@code h.handle(sig)} runs
     * {@code onSignal}; returns the handler it replaced (SIG_DFL for a fresh USR1).
     */
    Previous handle(Runnable onSignal) {
        Object proxy = Proxy.newProxyInstance(handlerInterface.getClassLoader(),
                new Class<?>[] {handlerInterface}, (self, method, args) -> {
                    switch (method.getName()) {
                        case "handle":
                            onSignal.run();
                            return null;
                        case "hashCode":
                            return System.identityHashCode(self);
                        case "equals":
                            return self == args[0];
                        case "toString":
                            return "bench handler of " + signal;
                        default:
                            throw new UnsupportedOperationException(method.toString());
                    }
                });
        return new Previous(invokeHandle(proxy));
    }

    /** {@code sun.misc.Signal.handle(signal, SignalHandler.SIG_DFL)}. */
    void restoreDefault() {
        try {
            invokeHandle(handlerInterface.getField("SIG_DFL").get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.SignalHandler.SIG_DFL is not accessible: " + e, e);
        }
    }

    /** Puts back what {@link #handle} replaced. */
    void restore(Previous previous) {
        invokeHandle(previous.handler);
    }

    private Object invokeHandle(Object handler) {
        try {
            return handle.invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            // IllegalArgumentException: "Signal already used by VM or OS"
            throw new IllegalStateException("sun.misc.Signal.handle(" + signal + "): "
                    + e.getCause().getMessage(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("sun.misc.Signal.handle is not accessible: " + e, e);
        }
    }
}
