package dev.weir.processor.fingerprint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groups errors the way Sentry does: two errors with the same fingerprint are the same problem.
 * <ul>
 *   <li>With a stack trace: the exception type of its first line plus the top in-app frames
 *       ({@code at dev.shop.PaymentClient.pay}), without line numbers, file names or generated
 *       numbers ({@code $$Lambda$42/0x…}).</li>
 *   <li>Without one: the error type (if any) plus the message with UUIDs, IPs, hex ids, e-mail
 *       addresses and numbers replaced by placeholders, so {@code Order 1042 failed} and
 *       {@code Order 1043 failed} share a fingerprint.</li>
 * </ul>
 * The fingerprint is the first 16 bytes of a SHA-256 over that text, as 32 hex characters.
 *
 * <p>Thread-safe.
 */
public final class ErrorFingerprinter {
    private static final List<String> LIBRARY_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.",
            "System.", "Microsoft.",
            "scala.", "org.springframework.", "org.apache.", "org.hibernate.", "io.netty.", "org.eclipse.jetty.",
            "io.javalin.", "com.fasterxml.", "org.junit.", "reactor.", "io.micrometer.", "org.slf4j.", "ch.qos.",
            "com.zaxxer.", "okhttp3.", "io.grpc.", "org.postgresql.", "com.mysql.", "org.glassfish.", "jakarta.");
    private static final Pattern FRAME = Pattern.compile("^\\s*at\\s+(?:[\\w.$/-]+/)?([\\w.$<>-]+)\\s*(?:\\(|$)");
    private static final Pattern GENERATED = Pattern.compile("\\$\\$?[A-Za-z]*\\$?\\d+|\\d+");
    private static final Pattern UUID = Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\\b");
    private static final Pattern EMAIL = Pattern.compile("\\b[\\w.%+*-]+@[\\w.-]+\\.[A-Za-z]{2,}\\b");
    private static final Pattern HEX_ID = Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b|\\b0x[0-9a-fA-F]+\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");

    private final FingerprintSettings settings;

    /** @param settings in-app packages and frame count */
    public ErrorFingerprinter(FingerprintSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param type       error type, may be {@code null}
     * @param message    error (or log) message, may be {@code null}
     * @param stackTrace stack trace text, may be {@code null}
     * @return the fingerprint, or {@code null} when all three are empty
     */
    public String fingerprint(String type, String message, String stackTrace) {
        String basis;
        if (stackTrace != null && !stackTrace.isBlank()) {
            basis = fromStack(type, stackTrace);
        } else if ((type == null || type.isBlank()) && (message == null || message.isBlank())) {
            return null;
        } else {
            basis = "type:" + nullToEmpty(type) + "\nmessage:" + normaliseMessage(nullToEmpty(message));
        }
        return hash(basis);
    }

    /**
     * @param stackTrace a stack trace of Java, Python, JavaScript, Go or .NET
     * @return the type of the exception it reports ({@code java.net.SocketTimeoutException} on a Java trace's first line,
     *         a Python traceback's last exception {@code KeyError}, {@code TypeError}, {@code System.InvalidOperationException},
     *         {@code panic}), or {@code null}
     */
    public static String exceptionType(String stackTrace) {
        if (stackTrace == null) {
            return null;
        }
        StackTraces.Thrown other = describedOtherThanJava(stackTrace);
        if (other != null) {
            return other.type();
        }
        String first = stackTrace.strip().lines().findFirst().orElse("");
        int colon = first.indexOf(':');
        String type = (colon < 0 ? first : first.substring(0, colon)).trim();
        if (type.startsWith("Exception in thread")) {
            int q = type.lastIndexOf('"');
            type = q < 0 ? type : type.substring(q + 1).trim();
        }
        return type.isEmpty() || type.length() > 256 || type.contains(" ") ? null : type;
    }

    /**
     * @param stackTrace a stack trace of Java, Python, JavaScript, Go or .NET
     * @return the message of the exception it reports (the text after its type: {@code Read timed out},
     *         {@code 'price'}, {@code runtime error: index out of range [3] with length 3}), or {@code null}
     */
    public static String exceptionMessage(String stackTrace) {
        if (stackTrace == null) {
            return null;
        }
        StackTraces.Thrown other = describedOtherThanJava(stackTrace);
        if (other != null) {
            return other.message();
        }
        String first = stackTrace.strip().lines().findFirst().orElse("");
        int colon = first.indexOf(": ");
        return colon < 0 || exceptionType(stackTrace) == null ? null : first.substring(colon + 2).strip();
    }

    /** @return the exception a Python, JavaScript, Go or .NET trace reports, or null for a Java trace */
    private static StackTraces.Thrown describedOtherThanJava(String stackTrace) {
        StackTraces.Language language = StackTraces.language(stackTrace);
        return language == StackTraces.Language.JAVA ? null
                : StackTraces.describing(StackTraces.read(stackTrace, language), language);
    }

    /**
     * The basis of a non-Java trace: each exception of its chain with its top in-app frames (or, when it has none, its
     * top frames), and the message only when no exception has a frame.
     */
    private String fromOtherStack(String type, String stackTrace, StackTraces.Language language) {
        StringBuilder basis = new StringBuilder("lang:").append(language.name().toLowerCase(java.util.Locale.ROOT));
        boolean anyFrame = false;
        for (StackTraces.Thrown t : StackTraces.read(stackTrace, language)) {
            String name = t.type() != null ? t.type() : type;
            basis.append("\ntype:").append(nullToEmpty(name));
            List<StackTraces.Frame> chosen = new ArrayList<>();
            for (StackTraces.Frame f : t.frames()) {
                if (f.inApp() && chosen.size() < settings.maxFrames()) {
                    chosen.add(f);
                }
            }
            if (chosen.isEmpty()) {
                chosen = t.frames().subList(0, Math.min(settings.maxFrames(), t.frames().size()));
            }
            for (StackTraces.Frame f : chosen) {
                basis.append("\nat:").append(f.key());
                anyFrame = true;
            }
        }
        if (!anyFrame) {
            StackTraces.Thrown d = StackTraces.describing(StackTraces.read(stackTrace, language), language);
            basis.append("\nmessage:").append(normaliseMessage(nullToEmpty(d.message())));
        }
        return basis.toString();
    }

    private String fromStack(String type, String stackTrace) {
        StackTraces.Language language = StackTraces.language(stackTrace);
        if (language != StackTraces.Language.JAVA) {
            return fromOtherStack(type, stackTrace, language);
        }
        String t = type != null && !type.isBlank() ? type : exceptionType(stackTrace);
        StringBuilder basis = new StringBuilder("type:").append(nullToEmpty(t));
        List<String> inApp = new ArrayList<>();
        List<String> any = new ArrayList<>();
        for (String line : (Iterable<String>) stackTrace.lines()::iterator) {
            Matcher m = FRAME.matcher(line);
            if (!m.find()) {
                continue;
            }
            String frame = GENERATED.matcher(m.group(1)).replaceAll("");
            if (any.size() < settings.maxFrames()) {
                any.add(frame);
            }
            if (isInApp(m.group(1))) {
                inApp.add(frame);
                if (inApp.size() == settings.maxFrames()) {
                    break;
                }
            }
        }
        // a trace of library frames only still groups by its top frames
        for (String frame : inApp.isEmpty() ? any : inApp) {
            basis.append("\nat:").append(frame);
        }
        if (inApp.isEmpty() && any.isEmpty()) {
            String firstLine = stackTrace.strip().lines().findFirst().orElse("");
            basis.append("\nmessage:").append(normaliseMessage(firstLine));
        }
        return basis.toString();
    }

    private boolean isInApp(String frame) {
        if (!settings.inAppPackages().isEmpty()) {
            return settings.inAppPackages().stream().anyMatch(frame::startsWith);
        }
        return LIBRARY_PREFIXES.stream().noneMatch(frame::startsWith);
    }

    /**
     * @param message a message
     * @return the message with variable parts replaced by {@code {uuid}}, {@code {ip}}, {@code {email}}, {@code {hex}}, {@code {n}}
     */
    public static String normaliseMessage(String message) {
        // the start of a message says what it is; a 1 MiB message must not cost 1 MiB of regex work
        String s = message.length() > 1024 ? message.substring(0, 1024) : message;
        s = UUID.matcher(s).replaceAll("{uuid}");
        s = EMAIL.matcher(s).replaceAll("{email}");
        s = IPV4.matcher(s).replaceAll("{ip}");
        s = IPV6.matcher(s).replaceAll("{ip}");
        s = HEX_ID.matcher(s).replaceAll("{hex}");
        s = NUMBER.matcher(s).replaceAll("{n}");
        return s.strip();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String hash(String basis) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
