package dev.weir.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch on loopback, started from the integ-test-zip distribution in
 * the local Maven repository, for tests and {@code weir up}. Security is off (plain HTTP, no
 * authentication).
 *
 * <p>Elasticsearch refuses to run as root; when this JVM runs as root the node runs as the system
 * user {@value #ES_USER}, created if missing. Its files (config copy, data, logs, pid file) are
 * then in {@code <dataDir>/node}, owned by that user, or - when the user cannot reach
 * {@code dataDir} (e.g. below {@code /root}) - in {@code <java.io.tmpdir>/weir-es/nodes/<id>},
 * recorded in {@code <dataDir>/node-location} so that restarts and later runs find the data.
 * The node's console output goes to {@code <dataDir>/elasticsearch.log}.
 *
 * <p>The node dies with this JVM: a small shell watchdog between this JVM and Elasticsearch stops
 * it when its standard input, a pipe from this JVM, closes - on {@link #stop()}, when a shutdown
 * hook runs, and when this JVM is killed with SIGKILL. A node left behind anyway (e.g. the machine's process supervisor killed the
 * watchdog) is killed by the next start on the same data directory, found through its pid file.
 *
 * <p>Note: this distribution has no handler for {@code GET /} (it answers 405), and lacks ingest
 * processors, {@code match_only_text}, {@code wildcard}, ILM and data-stream lifecycle.
 *
 * <p>Thread-safe.
 */
public final class ElasticsearchNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchNode.class);

    static final String ES_USER = "weir-es";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 60;

    /**
     * Runs Elasticsearch ($1 = its home, the rest its arguments) and waits for it. Standard input
     * comes from the Java parent, which never writes to it: end of input means the parent is gone
     * (or has stopped the node already), so the watchdog asks Elasticsearch to shut down.
     */
    private static final String WATCHDOG = String.join("\n",
            "es_home=\"$1\"; shift",
            "exec 3<&0",
            "\"$es_home/bin/elasticsearch\" \"$@\" </dev/null 3<&- &",
            "es=$!",
            "( cat <&3 >/dev/null; kill -TERM \"$es\" 2>/dev/null ) &",
            "exec 3<&-",
            "wait \"$es\"");

    private final Path dataDir;
    private final Path home;
    private final Path nodeDir;
    private final String runAs; // null: as this JVM's user
    private final int httpPort;
    private final int transportPort;
    private final Path logFile;
    private final HttpClient http;

    private final Security security; // null: security off, plain HTTP

    private Process process; // guarded by this; the watchdog, null when not running
    private final ServerShutdownHook shutdownHook = new ServerShutdownHook("weir-elasticsearch-shutdown"); // guarded by this

    private ElasticsearchNode(Path dataDir, Path home, Path nodeDir, String runAs, int httpPort, int transportPort, Security security) {
        this.dataDir = dataDir;
        this.home = home;
        this.nodeDir = nodeDir;
        this.runAs = runAs;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
        this.logFile = dataDir.resolve("elasticsearch.log");
        this.security = security;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (security != null) {
            client.sslContext(security.sslContext());
        }
        this.http = client.build();
    }

    /**
     * What a secured node offers: HTTPS with a certificate signed by the stack's CA, a file-realm
     * superuser, and a service-account token of {@value #SERVICE_ACCOUNT}.
     *
     * @param certificates the CA and the node's certificate (PEM)
     * @param username     a file-realm user with the {@code superuser} role
     * @param password     its password
     * @param serviceToken a token of the service account {@value #SERVICE_ACCOUNT}, made by
     *                     {@code bin/elasticsearch-service-tokens}
     */
    public record Security(Certificates certificates, String username, String password, String serviceToken) {
        /** The service account whose token {@link #serviceToken()} is. */
        public static final String SERVICE_ACCOUNT = "elastic/fleet-server";

        /** @return a TLS context trusting the stack's CA */
        public javax.net.ssl.SSLContext sslContext() {
            try (java.io.InputStream in = Files.newInputStream(certificates.ca())) {
                java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("Cannot read the stack's CA " + certificates.ca() + ": " + e.getMessage(), e);
            }
        }

        /** @return {@code Basic …} for the superuser */
        public String basicAuthorization() {
            return "Basic " + java.util.Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Security[username=" + username + "]";
        }
    }

    /**
     * Starts a node on two free loopback ports and waits (up to 120 s) until the cluster health
     * is at least yellow.
     *
     * @param dataDir directory for this node (see the class description); created if missing,
     *                reused with its indices if it holds an earlier node's data
     * @return the running node
     * @throws IOException when the distribution is not in the local Maven repository (the message
     *                     names the command that fetches it), or the node does not start; the
     *                     message includes the end of the node's log
     */
    public static ElasticsearchNode start(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path home = ElasticsearchInstallation.ensureInstalled();
        String runAs = isRoot() ? ensureEsUser() : null;
        Path nodeDir = prepareNodeDir(dir, home, runAs);
        int[] ports = Ports.free(2);
        ElasticsearchNode node = new ElasticsearchNode(dir, home, nodeDir, runAs, ports[0], ports[1], null);
        node.launchAndAwaitReady();
        return node;
    }

    /**
     * Starts a node with security on: HTTPS with a certificate signed by a CA generated now (under
     * {@code dataDir/tls}), a file-realm superuser made with {@code bin/elasticsearch-users}, and a
     * service-account token of {@value Security#SERVICE_ACCOUNT} made with
     * {@code bin/elasticsearch-service-tokens}.
     *
     * @param dataDir  directory for this node
     * @param username the superuser's name (letters, digits, '-' and '_')
     * @param password its password (at least 6 characters)
     * @return the running node
     * @throws IOException when it does not start
     */
    public static ElasticsearchNode startSecured(Path dataDir, String username, String password) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path home = ElasticsearchInstallation.ensureInstalled();
        String runAs = isRoot() ? ensureEsUser() : null;
        Path nodeDir = prepareNodeDir(dir, home, runAs);
        Certificates certificates = Certificates.generate(dir.resolve("tls"), "weir-elasticsearch");
        // Elasticsearch reads TLS files only from inside its configuration directory
        Path tls = nodeDir.resolve("config").resolve("tls");
        Files.createDirectories(tls);
        for (Path f : List.of(certificates.ca(), certificates.serverCert(), certificates.serverKey())) {
            Files.copy(f, tls.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        String token = createCredentials(home, nodeDir, runAs, username, password);
        if (runAs != null) {
            giveTo(nodeDir.resolve("config"), runAs);
        }
        int[] ports = Ports.free(2);
        ElasticsearchNode node = new ElasticsearchNode(dir, home, nodeDir, runAs, ports[0], ports[1],
                new Security(certificates, username, password, token));
        node.launchAndAwaitReady();
        return node;
    }

    /** Adds the file-realm user and makes a service-account token; returns the token. */
    private static String createCredentials(Path home, Path nodeDir, String runAs, String username, String password) throws IOException {
        Path config = nodeDir.resolve("config");
        if (runAs != null) {
            giveTo(config, runAs);
        }
        List<String> env = List.of("env", "ES_JAVA_HOME=" + System.getProperty("java.home"), "ES_PATH_CONF=" + config,
                "CLI_JAVA_OPTS=-Djava.io.tmpdir=" + nodeDir.resolve("tmp"));
        Path users = config.resolve("users");
        if (!Files.isRegularFile(users) || Files.readAllLines(users).stream().noneMatch(l -> l.startsWith(username + ":"))) {
            runTool(runAs, env, List.of(home.resolve("bin/elasticsearch-users").toString(), "useradd", username, "-p", password,
                    "-r", "superuser"));
        }
        String name = "weir-" + UUID.randomUUID().toString().substring(0, 8);
        String out = runTool(runAs, env, List.of(home.resolve("bin/elasticsearch-service-tokens").toString(), "create",
                Security.SERVICE_ACCOUNT, name));
        for (String line : out.split("\\R")) {
            int eq = line.indexOf(" = ");
            if (line.startsWith("SERVICE_TOKEN ") && eq > 0) {
                return line.substring(eq + 3).trim();
            }
        }
        throw new IOException("bin/elasticsearch-service-tokens printed no token: " + out);
    }

    private static String runTool(String runAs, List<String> env, List<String> tool) throws IOException {
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        command.addAll(env);
        command.addAll(tool);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(Path.of(tool.get(0)).getFileName() + " " + tool.get(1) + " failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + tool.get(0), e);
        }
    }

    /** @return the HTTP endpoint, {@code "http://127.0.0.1:PORT"} ({@code https} when secured); the same across restarts */
    public String httpUrl() {
        return (security == null ? "http://" : "https://") + Ports.HOST + ":" + httpPort;
    }

    /** @return the security of a node started by {@link #startSecured}, or {@code null} when security is off */
    public Security security() {
        return security;
    }

    /**
     * An OAuth2 access token of the superuser from the token service ({@code POST /_security/oauth2/token}), a
     * bearer token with every privilege. (API keys cannot be made here: the {@code .security} index needs an analysis
     * module this distribution lacks.) Valid for 20 minutes.
     *
     * @return the token
     * @throws IOException when the node does not hand one out
     */
    public String accessToken() throws IOException {
        if (security == null) {
            throw new IllegalStateException("This node runs without security");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + "/_security/oauth2/token"))
                .header("Authorization", security.basicAuthorization()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"password\",\"username\":\"" + security.username()
                        + "\",\"password\":\"" + security.password() + "\"}")).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                throw new IOException("Elasticsearch gave no access token (HTTP " + r.statusCode() + ")");
            }
            return m.group(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking for an access token", e);
        }
    }

    /** @return the file receiving the node's console output (appended across restarts) */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the node gracefully, and waits up to 60 s for it to exit (SIGKILL after that). Does
     * nothing when it is not running. Closing the watchdog's standard input makes it send SIGTERM
     * to the Elasticsearch launcher, which shuts the server down cleanly - the same path that
     * stops the node when this JVM dies.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        long started = System.nanoTime();
        closeWatchdogInput();
        if (!awaitExit(STOP_TIMEOUT)) {
            log.warn("Elasticsearch {} did not stop within {} s; killing it", httpUrl(), STOP_TIMEOUT.toSeconds());
            killTree();
        }
        log.info("Stopped Elasticsearch {} in {} ms", httpUrl(), (System.nanoTime() - started) / 1_000_000);
        released();
    }

    /** Kills the node with SIGKILL, as a crash would, and waits for it to be gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        killTree();
        log.info("Killed Elasticsearch {}", httpUrl());
        released();
    }

    /**
     * Starts the node again on the same ports with the same data, after {@link #stop()} or
     * {@link #kill()} (stops it first if it is running), and waits until it is ready.
     *
     * @throws IOException when it does not become ready within 120 s
     */
    public synchronized void restart() throws IOException {
        stop();
        launchAndAwaitReady();
    }

    /** Stops the node; never throws. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Stopping Elasticsearch {} failed", httpUrl(), e);
        }
    }

    @Override
    public String toString() {
        return "ElasticsearchNode[" + httpUrl() + ", " + nodeDir + "]";
    }

    private synchronized void launchAndAwaitReady() throws IOException {
        long started = System.nanoTime();
        killStale(nodeDir.resolve("es.pid"));
        Files.createDirectories(nodeDir.resolve("logs"));
        ChildJvm.mark(logFile, "starting Elasticsearch on " + httpUrl());

        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        command.addAll(List.of("env",
                "ES_JAVA_HOME=" + System.getProperty("java.home"),
                "ES_JAVA_OPTS=-Xms512m -Xmx512m",
                "ES_PATH_CONF=" + nodeDir.resolve("config"),
                // Elasticsearch's temporary files (its launcher's final-flags files, JNA's native code) go to the
                // node directory, not to /tmp/elasticsearch-*, where every node left them behind
                "ES_TMPDIR=" + nodeDir.resolve("tmp"),
                "CLI_JAVA_OPTS=-Djava.io.tmpdir=" + nodeDir.resolve("tmp"),
                "/bin/sh", "-c", WATCHDOG, "weir-es-watchdog", home.toString(),
                "-p", nodeDir.resolve("es.pid").toString(),
                "-E", "cluster.name=weir-local",
                "-E", "node.name=weir-local",
                "-E", "discovery.type=single-node",
                "-E", "network.host=" + Ports.HOST,
                "-E", "http.port=" + httpPort,
                "-E", "transport.port=" + transportPort,
                "-E", "path.data=" + nodeDir.resolve("data"),
                "-E", "path.logs=" + nodeDir.resolve("logs"),
                "-E", "xpack.ml.enabled=false",
                // a nearly full developer disk must not turn indices read-only mid-test
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false"));
        if (security == null) {
            command.addAll(List.of("-E", "xpack.security.enabled=false"));
        } else {
            command.addAll(List.of("-E", "xpack.security.enabled=true",
                    "-E", "xpack.security.http.ssl.enabled=true",
                    "-E", "xpack.security.http.ssl.certificate=tls/server.pem",
                    "-E", "xpack.security.http.ssl.key=tls/server-key.pem",
                    "-E", "xpack.security.http.ssl.certificate_authorities=tls/ca.pem",
                    // the trial license enables the token service (OAuth2 bearer tokens) that the basic one lacks
                    "-E", "xpack.license.self_generated.type=trial"));
        }
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.inOwnSession(command))
                // the JVM writes gc.log and hs_err files into its working directory
                .directory(nodeDir.resolve("logs").toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        builder.environment().remove("ES_JAVA_OPTS");
        Process p = builder.start();
        process = p;
        shutdownHook.install(this::close);
        try {
            awaitReady(p);
        } catch (RuntimeException e) {
            kill();
            throw new IOException("Elasticsearch on " + httpUrl() + " (node files in " + nodeDir + ") did not become ready: "
                    + e.getMessage() + System.lineSeparator() + "Last lines of " + logFile + ":" + System.lineSeparator()
                    + ChildJvm.tail(logFile, LOG_TAIL_LINES), e);
        }
        log.info("Elasticsearch ready on {} in {} ms (node files in {})", httpUrl(),
                (System.nanoTime() - started) / 1_000_000, nodeDir);
    }

    private void awaitReady(Process p) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(httpUrl() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(Duration.ofSeconds(5)).GET();
        if (security != null) {
            request.header("Authorization", security.basicAuthorization());
        }
        HttpRequest health = request.build();
        Waits.pollUntil(READY_TIMEOUT, Duration.ofMillis(250), () -> {
            if (!p.isAlive()) {
                throw new Waits.GiveUp("Elasticsearch exited with code " + p.exitValue());
            }
            if (!Ports.accepting(httpPort)) {
                return false;
            }
            HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        }, "GET " + httpUrl() + "/_cluster/health?wait_for_status=yellow to answer 200");
    }

    /** The Elasticsearch server JVM, from its pid file. */
    private Optional<ProcessHandle> serverProcess() {
        Path pidFile = nodeDir.resolve("es.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void killTree() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        serverProcess().ifPresent(all::add);
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        all.forEach(h -> {
            try {
                h.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("Process {} of Elasticsearch {} did not exit after SIGKILL", h.pid(), httpUrl());
            }
        });
        awaitExit(STOP_TIMEOUT);
    }

    /** Waits for the watchdog, which exits when Elasticsearch has. */
    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void closeWatchdogInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("Closing the watchdog's standard input failed", e);
        }
    }

    private void released() {
        closeWatchdogInput(); // after kill(): ends the watchdog's cat
        process = null;
        shutdownHook.remove();
    }

    /**
     * From now on this node is stopped only by {@link #close()} (or, when this JVM dies, through
     * its watched standard input), not by a JVM shutdown hook of its own: the JVM runs all hooks at
     * once, so an owner whose own hook first closes what uses the node calls this.
     */
    synchronized void leaveShutdownToOwner() {
        shutdownHook.leaveToOwner();
    }

    /** Kills an Elasticsearch left running on this node directory by an earlier, killed JVM. */
    private static void killStale(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> stale = ProcessHandle.of(pid)
                    .filter(h -> h.info().commandLine().map(c -> c.contains("org.elasticsearch")).orElse(false));
            if (stale.isPresent()) {
                log.warn("Killing Elasticsearch (pid {}) left running on {} by an earlier run", pid, pidFile.getParent());
                stale.get().destroyForcibly();
                stale.get().onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            Files.deleteIfExists(pidFile);
        } catch (Exception e) {
            log.warn("Could not check for an Elasticsearch left running from {}", pidFile, e);
        }
    }

    // --- files and the unprivileged user ---

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static String ensureEsUser() throws IOException {
        if (run(List.of("id", "-u", ES_USER)) == 0) {
            return ES_USER;
        }
        int created = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER));
        if (created != 0 && run(List.of("id", "-u", ES_USER)) != 0) {
            throw new IOException("Elasticsearch refuses to run as root, and creating the system user '" + ES_USER
                    + "' failed (useradd exit code " + created + "); create it with 'useradd --system --no-create-home"
                    + " --shell /usr/sbin/nologin " + ES_USER + "' or run as a non-root user");
        }
        log.info("Created system user {} to run Elasticsearch", ES_USER);
        return ES_USER;
    }

    private static Path prepareNodeDir(Path dataDir, Path home, String runAs) throws IOException {
        Path nodeDir = dataDir.resolve("node");
        Path location = dataDir.resolve("node-location");
        if (runAs != null) {
            if (Files.isRegularFile(location)) {
                Path recorded = Path.of(Files.readString(location, StandardCharsets.UTF_8).trim());
                if (Files.isDirectory(recorded)) {
                    nodeDir = recorded;
                } else {
                    log.warn("Elasticsearch node directory {} recorded in {} is gone; starting with no data", recorded, location);
                    nodeDir = elsewhere(location);
                }
            } else {
                Files.createDirectories(nodeDir);
                giveTo(nodeDir, runAs);
                if (run(List.of("runuser", "-u", runAs, "--", "test", "-w", nodeDir.toString(), "-a", "-x", nodeDir.toString())) != 0) {
                    Files.delete(nodeDir);
                    nodeDir = elsewhere(location);
                    log.info("User {} cannot reach {}; Elasticsearch node files go to {}", runAs, dataDir, nodeDir);
                }
            }
        }
        Files.createDirectories(nodeDir);
        Path config = nodeDir.resolve("config");
        if (!Files.isDirectory(config)) {
            copyTree(home.resolve("config"), config);
        }
        Files.createDirectories(nodeDir.resolve("data"));
        Files.createDirectories(nodeDir.resolve("logs"));
        // ES_TMPDIR and the launcher's java.io.tmpdir (see launchAndAwaitReady), emptied when the node is set up
        TempDirs.delete(nodeDir.resolve("tmp"));
        Files.createDirectories(nodeDir.resolve("tmp"));
        if (runAs != null) {
            giveTo(nodeDir, runAs);
        }
        return nodeDir;
    }

    private static Path elsewhere(Path location) throws IOException {
        Path nodes = ElasticsearchInstallation.baseDir().resolve("nodes");
        Files.createDirectories(nodes);
        Path nodeDir = nodes.resolve(UUID.randomUUID().toString());
        Files.createDirectories(nodeDir);
        Files.writeString(location, nodeDir + System.lineSeparator(), StandardCharsets.UTF_8);
        return nodeDir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void giveTo(Path dir, String user) throws IOException {
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(user);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(group);
            }
        }
    }

    private static int run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within 30 s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }
}
