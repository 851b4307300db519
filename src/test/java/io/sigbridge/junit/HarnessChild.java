package io.sigbridge.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.HashMap;
import java.util.Map;

/**
 * A child JVM's main for the tests whose harness ends the JVM (halt, abort): runs one sample
 * method ({@code Class#method}) in a nested launcher with the listener configured by the
 * {@code key=value} arguments, and prints the listener's reports.
 */
public final class HarnessChild {
    private HarnessChild() {}

    public static void main(String[] args) {
        Map<String, String> parameters = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            parameters.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        NestedRun run = NestedRun.of(parameters, selectMethod(args[0]));
        run.reports().forEach(r -> System.out.println("REPORT " + r));
        System.out.println("RESULTS " + run.results);
    }
}
