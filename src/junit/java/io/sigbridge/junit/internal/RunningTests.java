package io.sigbridge.junit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the listener knows of the tests running now: their names, the thread each runs on, and
 * how many death assertions each has made (a death test's child finds its body by that count).
 */
public final class RunningTests {
    /** One test or container that has started and not finished. */
    public static final class Node {
        private final String uniqueId;
        private final String name;
        private final boolean test;
        private final AtomicInteger deathCalls = new AtomicInteger();
        private final AtomicInteger runningChildren = new AtomicInteger();

        Node(String uniqueId, String name, boolean test) {
            this.uniqueId = uniqueId;
            this.name = name;
            this.test = test;
        }

        public String uniqueId() {
            return uniqueId;
        }

        public String name() {
            return name;
        }

        /** The number of this death assertion within the node's run, from 1. */
        public int nextDeathCall() {
            return deathCalls.incrementAndGet();
        }
    }

    private static final Map<String, Node> RUNNING = new ConcurrentHashMap<>();
    /** Inheritable: a thread a test starts (assertTimeoutPreemptively, an executor) belongs to it. */
    private static final InheritableThreadLocal<Node> CURRENT = new InheritableThreadLocal<>();
    private static volatile Map<String, String> configuration = Map.of();
    private static volatile HarnessConfig harness;

    private RunningTests() {}

    /** Called on the thread that runs the node, as it starts. */
    public static Node started(String uniqueId, Optional<String> parentId, String name, boolean test) {
        Node node = new Node(uniqueId, name, test);
        RUNNING.put(uniqueId, node);
        parentId.map(RUNNING::get).ifPresent(p -> p.runningChildren.incrementAndGet());
        CURRENT.set(node);
        return node;
    }

    /** Called on the thread that ran the node, as it finishes. */
    public static void finished(String uniqueId, Optional<String> parentId) {
        RUNNING.remove(uniqueId);
        Node parent = parentId.map(RUNNING::get).orElse(null);
        if (parent != null) {
            parent.runningChildren.decrementAndGet();
        }
        CURRENT.set(parent);
    }

    /**
     * The node the calling thread runs: its own (or its creator's) while that still runs, else
     * the one test running in this JVM, if there is exactly one.
     */
    public static Optional<Node> current() {
        Node mine = CURRENT.get();
        if (mine != null && RUNNING.get(mine.uniqueId) == mine) {
            return Optional.of(mine);
        }
        List<Node> tests = new ArrayList<>();
        for (Node n : RUNNING.values()) {
            if (n.test) {
                tests.add(n);
            }
        }
        return tests.size() == 1 ? Optional.of(tests.get(0)) : Optional.empty();
    }

    /** The innermost running nodes (tests, or containers running their own code), by name. */
    public static List<String> innermost() {
        List<String> names = new ArrayList<>();
        for (Node n : RUNNING.values()) {
            if (n.runningChildren.get() == 0) {
                names.add(n.name);
            }
        }
        names.sort(null);
        return names;
    }

    /** The configuration parameters of the running test plan, for a death test's child. */
    public static Map<String, String> configuration() {
        return configuration;
    }

    /** The harness configuration of the running test plan, if the listener read one. */
    public static Optional<HarnessConfig> harness() {
        return Optional.ofNullable(harness);
    }

    /** Called by the listener as the test plan starts. */
    public static void planStarted(Map<String, String> parameters, HarnessConfig config) {
        configuration = Map.copyOf(parameters);
        harness = config;
    }
}
