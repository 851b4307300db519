package io.sigbridge.internal;

import java.util.Locale;

/** The operating system and architecture this JVM runs on, in the jar's directory naming. */
public enum Platform {
    LINUX("linux"),
    MACOS("macos"),
    WINDOWS("windows"),
    OTHER("unknown");

    private final String directoryName;

    Platform(String directoryName) {
        this.directoryName = directoryName;
    }

    private static final Platform CURRENT = detect(System.getProperty("os.name", ""));

    public static Platform current() {
        return CURRENT;
    }

    static Platform detect(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return LINUX;
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        }
        if (os.startsWith("windows")) {
            return WINDOWS;
        }
        return OTHER;
    }

    public boolean isPosix() {
        return this == LINUX || this == MACOS;
    }

    /** The directory under {@code META-INF/native/} for this OS and the JVM's architecture. */
    public String nativeDirectory() {
        return directoryName + "-" + architecture();
    }

    public static String architecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return arch;
        }
    }
}
