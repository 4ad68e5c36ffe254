package dev.lanyard.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Keycloak server (the {@code org.keycloak:keycloak-quarkus-dist} zip from Maven Central) for
 * the tests that need a real identity provider or relying party: the SAML sign-in (Keycloak as the
 * organization's IdP) and the OpenID provider (Keycloak as an app that signs in through Lanyard).
 *
 * <p>One per test JVM, started on first use by {@link #shared()} and stopped when the JVM exits:
 * it takes 15-30 s to start, so test classes share it and keep apart by making their own realm
 * ({@link KeycloakAdmin#createRealm}). Classes that use it are tagged {@link UsesKeycloak} so that
 * Failsafe's run against an external database leaves them out (they test the browser flow, not the
 * database); see {@link UsesKeycloak} for how to write one.
 *
 * <p>How it runs: {@code bin/kc.sh start-dev} from the distribution that Maven unpacks into
 * {@code target/keycloak/} (pom.xml, maven-dependency-plugin, pre-integration-test; unpacked once and
 * reused, and Keycloak's own build step is cached in it too, so later starts skip it). HTTP on
 * 127.0.0.1 with a free port, the management port (health) on another; an in-memory database
 * ({@code --db=dev-mem}) and an emptied {@code data/} folder, so every run starts from nothing. Its
 * output goes to {@code target/keycloak-logs/keycloak-<time>.log}, whose tail a failed start or a
 * failed {@link UsesKeycloak} test prints.
 *
 * <p>Browsers reach it as {@code http://localhost:PORT} (fixed with {@code --hostname}, so the URLs in
 * its metadata and tokens say the same), while the tests' Lanyard is {@code http://127.0.0.1:PORT}:
 * two different sites, as an IdP and an app are in production, so cookie rules for cross-site
 * POSTs and redirects (SameSite) apply in the tests as they will for real.
 */
public final class Keycloak {
    /** The Keycloak release the tests run; pom.xml's {@code keycloak.version} must say the same. */
    public static final String VERSION = "26.5.6";
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "lanyard-test-admin";
    /** Bounded: about 15-30 s alone on these machines, much longer when every core is busy. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    /** How long a browser waits for one of Keycloak's pages. */
    public static final Duration PAGE_PATIENCE = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "keycloak-logs");
    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Logs of earlier runs kept in target/keycloak-logs (the newest ones). */
    private static final int LOGS_KEPT = 10;

    private static Keycloak shared;
    private static RuntimeException startFailure;

    private final Process process;
    private final int port;
    private final Path log;
    private final Duration startup;
    private final KeycloakAdmin admin;

    private Keycloak(Process process, int port, Path log, Duration startup) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startup = startup;
        this.admin = new KeycloakAdmin(baseUrl(), ADMIN_USER, ADMIN_PASSWORD);
    }

    /** The one Keycloak of this JVM, started on the first call (which waits until it is ready). */
    public static synchronized Keycloak shared() {
        // A start that failed is not tried again by every later class: each try can take minutes.
        if (startFailure != null) throw new IllegalStateException("Keycloak failed to start earlier in this JVM", startFailure);
        if (shared == null) {
            try {
                shared = start(home());
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            Keycloak started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "keycloak-stop"));
        }
        return shared;
    }

    /** Where the browser and the admin client reach it: {@code http://localhost:PORT}, no trailing slash. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Keycloak's admin REST API, signed in as the bootstrap admin of the master realm. */
    public KeycloakAdmin admin() {
        return admin;
    }

    public Path logFile() {
        return log;
    }

    /** How long this JVM waited for Keycloak to be ready. */
    public Duration startup() {
        return startup;
    }

    /** The last {@code lines} lines of its output: what to look at when a test against it fails. */
    public String logTail(int lines) {
        return tail(log, lines);
    }

    /**
     * Fills in Keycloak's sign-in form (its default theme, {@code #kc-form-login}) in the browser,
     * which must be on it or on its way to it, and submits it. Waits up to 60 s for the form:
     * Keycloak's pages can be slow on a busy machine.
     */
    public static void signIn(Chromium chromium, String username, String password) {
        chromium.waitUntil(PAGE_PATIENCE, ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        WebElement user = chromium.driver().findElement(By.id("username"));
        user.clear();
        user.sendKeys(username);
        chromium.driver().findElement(By.id("password")).sendKeys(password);
        chromium.driver().findElement(By.id("kc-login")).click();
    }

    /**
     * On Keycloak's sign-in page (or on its way there), chooses the identity provider {@code alias}
     * ("Or sign in with" button), as a person signing in through it would.
     */
    public static void chooseIdentityProvider(Chromium chromium, String alias) {
        chromium.waitUntil(PAGE_PATIENCE, ExpectedConditions.elementToBeClickable(By.id("social-" + alias))).click();
    }

    /** The log tail of the shared instance if it was started, or nothing: for failure reports. */
    static synchronized String sharedLogTail(int lines) {
        return shared == null ? "" : "Keycloak's log (" + shared.log + "), last lines:\n" + shared.logTail(lines);
    }

    /** The unpacked distribution: Failsafe names it (pom.xml); by default Maven's target/keycloak. */
    static Path home() {
        Path home = Path.of(System.getProperty("lanyard.keycloak.home", "target/keycloak/keycloak-" + VERSION));
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at " + home.toAbsolutePath() + ": Maven unpacks "
                    + "it in the pre-integration-test phase (bin/test does); alone: mvn dependency:unpack@unpack-keycloak");
        }
        return home.toAbsolutePath();
    }

    private static Keycloak start(Path home) {
        int port = freePort();
        int management = freePort();
        Path log;
        Path pidFile = home.resolveSibling("keycloak.pid");
        try {
            stopLeftover(pidFile, home);
            // A fresh data folder: nothing left from an earlier run (transaction logs, caches) is replayed.
            deleteTree(home.resolve("data"));
            Files.createDirectories(LOGS);
            pruneLogs();
            String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            log = LOGS.resolve("keycloak-" + time + ".log").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--hostname=http://localhost:" + port, "--health-enabled=true", "--db=dev-mem",
                "--log-console-color=false"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("JAVA_OPTS"));
        // Keycloak 26 needs Java 21+, and the test JVM is one (bin/lib/java.sh chose it).
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // Keycloak's thread pool asks for this on Java 24+; without it, stopping logs stack traces.
        env.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Instant began = Instant.now();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        try {
            Files.writeString(pidFile, process.pid() + " " + ProcessHandle.current().pid());
            awaitReady(process, "http://127.0.0.1:" + management + "/health/ready", log);
        } catch (IOException e) {
            destroy(process.toHandle());
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            destroy(process.toHandle());
            throw e;
        }
        return new Keycloak(process, port, log, Duration.between(began, Instant.now()));
    }

    /**
     * A test JVM killed outright (kill -9, a Failsafe timeout) runs no shutdown hook, and its
     * Keycloak would live on. The pid file names the last Keycloak started from this folder and the
     * JVM that started it: when that JVM is gone and the process is still this folder's kc.sh, it is
     * stopped now. When that JVM still runs, another test run uses the folder, and this one stops.
     */
    private static void stopLeftover(Path pidFile, Path home) throws IOException {
        if (!Files.isRegularFile(pidFile)) return;
        String[] pids = Files.readString(pidFile).strip().split(" ");
        Files.delete(pidFile);
        if (pids.length != 2) return;
        var keycloak = ProcessHandle.of(Long.parseLong(pids[0])).filter(h -> h.info().commandLine()
                .map(line -> line.contains(home.resolve("bin/kc.sh").toString())).orElse(false));
        if (keycloak.isEmpty()) return;
        if (ProcessHandle.of(Long.parseLong(pids[1])).map(ProcessHandle::isAlive).orElse(false)) {
            Files.writeString(pidFile, String.join(" ", pids));
            throw new IllegalStateException("another test JVM (pid " + pids[1] + ") runs Keycloak from " + home
                    + "; let it finish first");
        }
        destroy(keycloak.get());
    }

    private static void awaitReady(Process process, String health, Path log) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(5)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " before it was ready; its log " + log + " ends with:\n" + tail(log, 60));
            }
            try {
                if (PROBE.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
        }
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT.toSeconds() + " s ("
                + health + "); its log " + log + " ends with:\n" + tail(log, 60));
    }

    private void stop() {
        destroy(process.toHandle());
        try {
            Files.deleteIfExists(home().resolveSibling("keycloak.pid"));
        } catch (IOException | RuntimeException e) {
            // the next start checks the pid file anyway
        }
    }

    /**
     * kc.sh runs Java as its child (and forwards TERM to it), so the whole tree is asked to stop,
     * then killed if it has not within the timeout: no Keycloak outlives the test JVM.
     */
    private static void destroy(ProcessHandle process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process);
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        for (ProcessHandle handle : tree) {
            try {
                Duration left = Duration.between(Instant.now(), deadline);
                if (!left.isNegative()) handle.onExit().get(left.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // still alive after the timeout: killed below
            }
            if (handle.isAlive()) handle.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void pruneLogs() throws IOException {
        try (Stream<Path> logs = Files.list(LOGS)) {
            List<Path> old = logs.filter(p -> p.getFileName().toString().startsWith("keycloak-"))
                    .sorted(Comparator.comparing(Path::getFileName).reversed()).skip(LOGS_KEPT - 1).toList();
            for (Path p : old) Files.deleteIfExists(p);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
