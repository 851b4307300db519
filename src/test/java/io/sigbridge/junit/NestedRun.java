package io.sigbridge.junit;

import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs sample test classes in a JUnit launcher of their own, inside the running test, with a
 * {@link SigbridgeListener} configured by the given parameters (the main suite's Surefire run has
 * no listener registered: the services file is in the junit jar only).
 */
final class NestedRun {
    final Map<String, TestExecutionResult> results = new LinkedHashMap<>();
    final List<String> reports = new ArrayList<>();

    private NestedRun() {}

    static NestedRun of(Map<String, String> parameters, DiscoverySelector... selectors) {
        NestedRun run = new NestedRun();
        SigbridgeListener listener = new SigbridgeListener(message -> {
            synchronized (run.reports) {
                run.reports.add(message);
            }
        });
        TestExecutionListener collector = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && id.getSource().filter(s -> s instanceof MethodSource).isPresent()) {
                    synchronized (run.results) {
                        run.results.put(((MethodSource) id.getSource().get()).getMethodName()
                                + (id.getDisplayName().startsWith("[") ? id.getDisplayName() : ""), result);
                    }
                }
            }
        };
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(listener).build())
                .execute(request().selectors(selectors).configurationParameters(parameters).build(), collector);
        return run;
    }

    TestExecutionResult result(String method) {
        TestExecutionResult r = results.get(method);
        if (r == null) {
            throw new AssertionError("no result for " + method + "; results: " + results);
        }
        return r;
    }

    /** The failure message of a sample, or "" when it passed. */
    String failure(String method) {
        Optional<Throwable> t = result(method).getThrowable();
        return t.map(e -> e.getClass().getName() + ": " + e.getMessage()).orElse("");
    }

    List<String> reports() {
        synchronized (reports) {
            return new ArrayList<>(reports);
        }
    }
}
