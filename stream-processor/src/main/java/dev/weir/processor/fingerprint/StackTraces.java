package dev.weir.processor.fingerprint;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the stack traces of Python (tracebacks, chained exceptions included), JavaScript (V8: Node, browsers' Chrome
 * and Edge; {@code function@url:line:column} of Firefox and Safari), Go (panics and zap's {@code stacktrace}) and .NET ({@code Exception.ToString()}, inner exceptions
 * included) into their exceptions and frames, for {@link ErrorFingerprinter}. Java's traces are read by the
 * fingerprinter itself, as before, so that their fingerprints stay what they were.
 *
 * <p>A frame is its function and its file without line, column or offset, with generated names removed (Python's
 * memory addresses, Node's {@code Object.<anonymous>} and {@code async}, bundle hashes in file names, Go's
 * closure numbers ({@code func1}) and arguments, .NET's compiler-generated lambda, display-class and state-machine
 * names, generic arities); a browser script's URL counts by its path only (origin, query and fragment removed). Only
 * the last two segments of a path are kept: the same code deployed under {@code /app}
 * and under {@code /srv/app} has the same frames. Stateless.
 */
final class StackTraces {
    /** A language whose traces this class reads. */
    enum Language { JAVA, PYTHON, JAVASCRIPT, GO, DOTNET }

    /**
     * One frame.
     *
     * @param function the function or method, generated parts removed
     * @param file     the file's last two path segments, or empty
     * @param inApp    whether it is the service's own code (not the language's library, not a dependency)
     */
    record Frame(String function, String file, boolean inApp) {
        String key() {
            return file.isEmpty() ? function : file + ":" + function;
        }
    }

    /**
     * One exception of a chain.
     *
     * @param type    its type ({@code KeyError}, {@code orders.errors.OrderError}, {@code TypeError},
     *                {@code System.InvalidOperationException}, {@code panic}), or null
     * @param message its message, or null
     * @param frames  its frames, the most recent call first
     */
    record Thrown(String type, String message, List<Frame> frames) {
    }

    private static final Pattern PY_FRAME = Pattern.compile("^\\s*File \"([^\"]*)\", line \\d+, in (.+)$");
    private static final Pattern PY_CHAIN = Pattern.compile(
            "^(The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)$");
    private static final Pattern ADDRESS = Pattern.compile(" at 0x[0-9a-fA-F]+");
    private static final Pattern JS_FRAME = Pattern.compile("^\\s*at (?:async )?(?:(.+?) \\((.*)\\)|(.+))$");
    private static final Pattern JS_POSITION = Pattern.compile(":\\d+(?::\\d+)?$");
    /** Firefox's and Safari's frames: {@code function@url:line:column} (the function may be empty). */
    private static final Pattern GECKO_FRAME = Pattern.compile("^\\s*([^@\\s]*)@(\\S+:\\d+:\\d+)$");
    /** The origin of a script's URL ({@code https://shop.example.com:8443}), which differs between deployments. */
    private static final Pattern URL_ORIGIN = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*");
    private static final Pattern BUNDLE_HASH = Pattern.compile("[.-][0-9a-f]{6,}(?=\\.[a-z]+$)");
    private static final Pattern GO_FILE = Pattern.compile("^\\t(\\S+\\.go|\\S+\\.s|\\?):?\\d*(?: \\+0x[0-9a-f]+)?$");
    private static final Pattern GO_ARGS = Pattern.compile("\\((?:[^()]|\\([^()]*\\))*\\)$");
    private static final Pattern GO_CLOSURE = Pattern.compile("\\.(func|gowrap)\\d+(?:\\.\\d+)*");
    private static final Pattern DOTNET_FRAME = Pattern.compile("^\\s*at ([^(]+)\\(.*?\\)(?: in (.+?):line \\d+)?\\s*$");
    private static final Pattern DOTNET_LAMBDA = Pattern.compile("<([^>]+)>[a-z]__\\w*");
    private static final Pattern DOTNET_DISPLAY = Pattern.compile("\\.?<>c(?:__DisplayClass[\\w]*)?");
    private static final Pattern DOTNET_GENERIC = Pattern.compile("`\\d+|\\[[^\\]]*]");

    private StackTraces() {
    }

    /** @return the language of a stack trace, from lines only it writes */
    static Language language(String stack) {
        if (stack.contains("Traceback (most recent call last):")) {
            return Language.PYTHON;
        }
        if (stack.contains("\ngoroutine ") || stack.startsWith("goroutine ") || stack.contains(".go:") && stack.contains("\n\t/")) {
            return Language.GO;
        }
        if (stack.contains(":line ") || stack.contains("--- End of ") || stack.contains(" ---> ")
                || stack.startsWith("System.") || stack.startsWith("Microsoft.")) {
            return Language.DOTNET;
        }
        for (String line : (Iterable<String>) stack.lines()::iterator) {
            if (GECKO_FRAME.matcher(line).matches()) {
                return Language.JAVASCRIPT;
            }
            Matcher m = JS_FRAME.matcher(line);
            if (m.matches()) {
                String location = m.group(2) != null ? m.group(2) : m.group(3);
                if (JS_POSITION.matcher(location).find() || location.startsWith("node:") || location.equals("<anonymous>")
                        || location.startsWith("index ")) {
                    return Language.JAVASCRIPT;
                }
                return Language.JAVA; // "at pkg.Class.method(File.java:42)": no space before the parenthesis
            }
        }
        return Language.JAVA;
    }

    /**
     * @param stack    a stack trace of {@code language}, not Java
     * @param language its language
     * @return its exceptions, outermost first as printed (for Python the one raised last comes last), never empty
     */
    static List<Thrown> read(String stack, Language language) {
        return switch (language) {
            case PYTHON -> python(stack);
            case GO -> List.of(go(stack));
            case DOTNET -> dotnet(stack);
            default -> List.of(javascript(stack));
        };
    }

    /** @return the exception that describes the error: the one raised last (Python's last, the others' first) */
    static Thrown describing(List<Thrown> chain, Language language) {
        return language == Language.PYTHON ? chain.get(chain.size() - 1) : chain.get(0);
    }

    private static List<Thrown> python(String stack) {
        List<Thrown> chain = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        String last = null;
        boolean afterFrame = false;
        for (String line : (Iterable<String>) stack.lines()::iterator) {
            Matcher m = PY_FRAME.matcher(line);
            if (m.matches()) {
                frames.add(0, new Frame(ADDRESS.matcher(m.group(2).strip()).replaceAll(""), lastSegments(m.group(1)), pythonInApp(m.group(1))));
                afterFrame = true;
                continue;
            }
            if (line.isBlank() || line.startsWith("Traceback (most recent call last):")) {
                continue;
            }
            if (afterFrame && line.startsWith("    ")) {
                afterFrame = false; // the frame's source line
                continue;
            }
            afterFrame = false;
            if (PY_CHAIN.matcher(line.strip()).matches()) {
                chain.add(exceptionLine(last, frames));
                frames = new ArrayList<>();
                last = null;
                continue;
            }
            if (!line.startsWith(" ") && !line.startsWith("\t")) {
                last = line.strip();
            }
        }
        chain.add(exceptionLine(last, frames));
        return chain;
    }

    private static boolean pythonInApp(String path) {
        return !(path.contains("site-packages") || path.contains("dist-packages") || path.contains("/lib/python")
                || path.startsWith("<frozen") || path.contains("\\Lib\\"));
    }

    private static Thrown javascript(String stack) {
        List<Frame> frames = new ArrayList<>();
        String first = null;
        for (String line : (Iterable<String>) stack.lines()::iterator) {
            Matcher m = JS_FRAME.matcher(line);
            Matcher gecko = GECKO_FRAME.matcher(line);
            if (gecko.matches() || m.matches()) {
                String function;
                String location;
                if (gecko.matches()) {
                    function = gecko.group(1).isEmpty() ? "<anonymous>" : gecko.group(1);
                    location = gecko.group(2);
                } else {
                    function = m.group(1) == null ? "<anonymous>" : m.group(1).strip();
                    location = m.group(2) != null ? m.group(2) : m.group(3);
                }
                if (function.startsWith("Object.")) {
                    function = function.substring("Object.".length());
                }
                function = function.replace("new ", "");
                String file = browserPath(JS_POSITION.matcher(location.strip()).replaceFirst(""));
                boolean inApp = file.contains("/") && !file.contains("node_modules") && !file.startsWith("node:")
                        && !file.startsWith("internal/");
                frames.add(new Frame(function, BUNDLE_HASH.matcher(lastSegments(file)).replaceAll(""), inApp));
            } else if (first == null && !line.isBlank()) {
                first = line.strip();
            }
        }
        return exceptionLine(first, frames);
    }

    /**
     * @return a browser script's URL as its path alone (without origin, query or fragment), so that the same script
     *         served from another host, port or with another cache-busting query has the same frames; other locations
     *         as they are
     */
    static String browserPath(String location) {
        Matcher origin = URL_ORIGIN.matcher(location);
        if (!origin.find()) {
            return location;
        }
        String path = location.substring(origin.end());
        int cut = path.length();
        for (char c : new char[] {'?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        path = path.substring(0, cut);
        return path.isEmpty() ? "/" : path;
    }

    private static Thrown go(String stack) {
        List<Frame> frames = new ArrayList<>();
        String panic = null;
        String function = null;
        for (String line : (Iterable<String>) stack.lines()::iterator) {
            if (panic == null && line.startsWith("panic: ")) {
                panic = line.substring("panic: ".length()).replace(" [recovered]", "").strip();
                continue;
            }
            Matcher file = GO_FILE.matcher(line);
            if (file.matches() && function != null) {
                String path = file.group(1);
                String name = GO_CLOSURE.matcher(GO_ARGS.matcher(function).replaceFirst("")).replaceAll(".$1");
                frames.add(new Frame(name, lastSegments(path), goInApp(name, path)));
                function = null;
            } else if (!line.isBlank() && !line.startsWith("\t") && !line.startsWith("goroutine ") && !line.startsWith("[")
                    && !line.startsWith("exit status") && !line.startsWith("created by ")) {
                function = line.strip();
            } else if (line.startsWith("created by ")) {
                function = null;
            }
        }
        return new Thrown(panic == null ? null : "panic", panic, frames);
    }

    /** Dependencies live under the module cache, the standard library under GOROOT or in its packages. */
    private static boolean goInApp(String function, String path) {
        if (path.contains("/pkg/mod/") || path.contains("/usr/local/go/") || path.contains("/usr/lib/go") || path.contains("/go/src/runtime/")) {
            return false;
        }
        int slash = function.indexOf('/');
        int dot = function.indexOf('.');
        int end = slash >= 0 && (dot < 0 || slash < dot) ? slash : Math.max(dot, 0);
        return !isStdlib(function.substring(0, end));
    }

    /** @return whether a first path element names a package of Go's standard library */
    private static boolean isStdlib(String first) {
        return switch (first) {
            case "runtime", "sync", "net", "os", "io", "fmt", "reflect", "syscall", "time", "context", "errors", "encoding", "bufio",
                 "strings", "strconv", "bytes", "sort", "testing", "log", "database", "crypto", "internal", "math", "html", "text",
                 "path", "regexp", "unicode", "compress", "container", "hash", "mime", "archive", "debug", "embed", "flag", "image",
                 "index", "plugin", "slices", "maps", "cmp", "iter", "unique", "expvar" -> true;
            default -> false;
        };
    }

    private static List<Thrown> dotnet(String stack) {
        List<Thrown> chain = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        String header = null;
        for (String raw : (Iterable<String>) stack.lines()::iterator) {
            String line = raw.strip();
            if (header == null && !line.isEmpty() && !line.startsWith("at ")) {
                // "A: outer ---> B: inner" on the first line: each becomes a link of the chain
                String[] parts = line.split(" ---> ");
                for (int i = 0; i < parts.length - 1; i++) {
                    chain.add(exceptionLine(parts[i], List.of()));
                }
                header = parts[parts.length - 1];
                continue;
            }
            if (line.startsWith("---> ")) {
                chain.add(exceptionLine(header, frames));
                frames = new ArrayList<>();
                header = line.substring("---> ".length());
                continue;
            }
            Matcher m = DOTNET_FRAME.matcher(raw);
            if (m.matches()) {
                String method = m.group(1).strip();
                String name = DOTNET_GENERIC.matcher(DOTNET_LAMBDA.matcher(DOTNET_DISPLAY.matcher(method).replaceAll(""))
                        .replaceAll("$1")).replaceAll("");
                if (name.endsWith(".MoveNext")) {
                    name = name.substring(0, name.length() - ".MoveNext".length()); // an async method's state machine
                }
                boolean inApp = !(name.startsWith("System.") || name.startsWith("Microsoft.") || name.startsWith("Newtonsoft.")
                        || name.startsWith("Npgsql.") || name.startsWith("Grpc."));
                frames.add(new Frame(name, m.group(2) == null ? "" : lastSegments(m.group(2)), inApp));
            }
        }
        chain.add(exceptionLine(header, frames));
        return chain;
    }

    /** {@code TypeError: Cannot read …} to its type and message; a first line without a type is the message. */
    private static Thrown exceptionLine(String line, List<Frame> frames) {
        if (line == null) {
            return new Thrown(null, null, frames);
        }
        int colon = line.indexOf(": ");
        String type = colon < 0 ? line : line.substring(0, colon);
        if (type.isEmpty() || type.contains(" ") || type.length() > 256) {
            return new Thrown(null, line, frames);
        }
        return new Thrown(type, colon < 0 ? null : line.substring(colon + 2), frames);
    }

    private static String lastSegments(String path) {
        String p = path.replace('\\', '/');
        int last = p.lastIndexOf('/');
        if (last < 0) {
            return p;
        }
        int before = p.lastIndexOf('/', last - 1);
        return p.substring(before + 1);
    }
}
