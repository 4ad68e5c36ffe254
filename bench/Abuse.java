// Reproductions of issue 8's tenant-abuse findings, for BEFORE/AFTER numbers: JDK only, one source file.
//
//   $JAVA_HOME/bin/java bench/Abuse.java --server http://127.0.0.1:PORT --operator-token T --scenario S
//       [--seconds N] [--concurrency C] [--pid SERVER_PID] [--data DATA_DIR]
//
// Scenarios (each makes two fresh organizations: "abuser" and "victim"):
//   lock     C workers send slow PATCHes (300 value-path operations each, on a user with 2,000 emails)
//            to ONE user of the abuser for N seconds; a probe measures the victim's GET /Users/{id} and
//            /readyz every 200 ms.
//   signin   C workers post console sign-ins with random emails (bcrypt each) for N seconds; the probe
//            measures /healthz and the victim's SCIM GET.
//   logfill  320 refused 1 MB POSTs with the abuser's valid token, 16 at a time; prints the server's
//            RSS (--pid) before / peak / after and the size of DATA_DIR/postgres (--data) before and
//            20 s after.
// Loopback only; every loop is bounded by time or count, every request by a 10 s timeout.

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Abuse {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    static String server;
    static String operator;

    record Org(String id, String token) {}

    record Answer(int status, String body, long millis, Map<String, List<String>> headers) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        server = o.get("server");
        operator = o.getOrDefault("operator-token", System.getenv("LANYARD_OPERATOR_TOKEN"));
        URI u = URI.create(server);
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(u.getHost())) throw new IllegalArgumentException("loopback only");
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        Org abuser = org("abuser-" + run);
        Org victim = org("victim-" + run);
        String victimUser = id(send("POST", scim(victim) + "/Users", victim.token(), "{\"userName\":\"v@example.com\"}"));
        switch (o.get("scenario")) {
            case "lock" -> lock(abuser, victim, victimUser, seconds, concurrency);
            case "signin" -> signin(abuser, victim, victimUser, seconds, concurrency);
            case "logfill" -> logfill(abuser, o.get("pid"), o.get("data"));
            default -> throw new IllegalArgumentException("--scenario lock|signin|logfill");
        }
        System.exit(0);
    }

    static void lock(Org abuser, Org victim, String victimUser, int seconds, int concurrency) throws Exception {
        String target = id(send("POST", scim(abuser) + "/Users", abuser.token(), "{\"userName\":\"target@example.com\"}"));
        StringBuilder emails = new StringBuilder();
        for (int i = 0; i < 2000; i++) emails.append(i == 0 ? "" : ",").append("{\"value\":\"e" + i + "@example.com\"}");
        Answer grown = send("PATCH", scim(abuser) + "/Users/" + target, abuser.token(),
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"emails\",\"value\":[" + emails + "]}]}");
        System.out.printf("setup: PATCH adding 2000 emails -> %d in %d ms%n", grown.status(), grown.millis());
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            ops.append(i == 0 ? "" : ",").append("{\"op\":\"replace\",\"path\":\"emails[value eq \\\"e" + (i * 7 % 2000)
                    + "@example.com\\\"].display\",\"value\":\"d" + i + "\"}");
        }
        String slow = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + ops + "]}";
        System.out.printf("attack: %d workers, PATCH of %d bytes on one user, %d s%n", concurrency, slow.length(), seconds);
        attack(concurrency, seconds, () -> send("PATCH", scim(abuser) + "/Users/" + target, abuser.token(), slow),
                Map.of("victim GET /Users/{id}", () -> send("GET", scim(victim) + "/Users/" + victimUser, victim.token(), null),
                        "/readyz", () -> send("GET", server + "/readyz", null, null)));
    }

    static void signin(Org abuser, Org victim, String victimUser, int seconds, int concurrency) throws Exception {
        System.out.printf("attack: %d workers posting console sign-ins with random emails, %d s%n", concurrency, seconds);
        Map<Long, String> cookies = new ConcurrentHashMap<>();
        attack(concurrency, seconds, () -> {
            String csrf = cookies.computeIfAbsent(Thread.currentThread().threadId(), t -> {
                try {
                    Answer page = send("GET", server + "/console/login", null, null);
                    for (String c : page.headers().getOrDefault("set-cookie", List.of())) {
                        if (c.startsWith("lanyard_login_csrf=")) return c.substring(19, c.indexOf(';'));
                    }
                } catch (Exception e) {
                    // retried on the next attempt
                }
                return "";
            });
            String form = "csrf=" + csrf + "&org=" + abuser.id() + "&email=" + UUID.randomUUID() + "%40example.com&password=wrong-password-123";
            HttpRequest r = HttpRequest.newBuilder(URI.create(server + "/console/login")).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "lanyard_login_csrf=" + csrf)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            return exchange(r);
        }, Map.of("/healthz", () -> send("GET", server + "/healthz", null, null),
                "victim GET /Users/{id}", () -> send("GET", scim(victim) + "/Users/" + victimUser, victim.token(), null)));
    }

    static void logfill(Org abuser, String pid, String data) throws Exception {
        // Random letters: PostgreSQL compresses a repeated one to nothing, an attacker would not send that.
        StringBuilder random = new StringBuilder(1_000_000);
        var rnd = new java.util.Random(8);
        for (int i = 0; i < 1_000_000; i++) random.append((char) ('a' + rnd.nextInt(26)));
        String filler = random.toString();
        String body = "{\"userName\":\"not-an-email\",\"title\":\"" + filler + "\"}";
        long rssBefore = rss(pid);
        long diskBefore = du(data);
        AtomicLong peak = new AtomicLong(rssBefore);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(rss(pid), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 320; i++) {
            pool.submit(() -> {
                Answer a = send("POST", scim(abuser) + "/Users", abuser.token(), body);
                statuses.computeIfAbsent(a.status(), s -> new AtomicLong()).incrementAndGet();
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        System.out.printf("320 POSTs of %d bytes in %d ms, statuses %s%n", body.length(), (System.nanoTime() - t0) / 1_000_000, statuses);
        Thread.sleep(20_000);  // the log writer catches up
        sampler.interrupt();
        System.out.printf("server RSS: before %d MB, peak %d MB, after %d MB%n", rssBefore >> 20, peak.get() >> 20, rss(pid) >> 20);
        System.out.printf("data/postgres: before %d MB, after %d MB (+%d MB)%n", diskBefore >> 20, du(data) >> 20, (du(data) - diskBefore) >> 20);
    }

    interface Call {
        Answer call() throws Exception;
    }

    /** Runs the attack for {@code seconds} and probes every 200 ms; prints the probes' latencies. */
    static void attack(int concurrency, int seconds, Call attack, Map<String, Call> probes) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<Integer, AtomicLong> attackStatuses = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        for (int w = 0; w < concurrency; w++) {
            workers.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        attackStatuses.computeIfAbsent(attack.call().status(), s -> new AtomicLong()).incrementAndGet();
                    } catch (Exception e) {
                        attackStatuses.computeIfAbsent(-1, s -> new AtomicLong()).incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(1000);  // let the attack build up
        Map<String, List<Long>> latencies = new HashMap<>();
        Map<String, List<Integer>> failures = new HashMap<>();
        for (String p : probes.keySet()) {
            latencies.put(p, new CopyOnWriteArrayList<>());
            failures.put(p, new CopyOnWriteArrayList<>());
        }
        ExecutorService probing = Executors.newCachedThreadPool();
        while (System.nanoTime() < end) {
            for (var p : probes.entrySet()) {
                probing.submit(() -> {
                    long t = System.nanoTime();
                    int status;
                    try {
                        status = p.getValue().call().status();
                    } catch (Exception e) {
                        status = -1;  // timed out (10 s) or refused
                    }
                    latencies.get(p.getKey()).add((System.nanoTime() - t) / 1_000_000);
                    if (status != 200) failures.get(p.getKey()).add(status);
                });
            }
            Thread.sleep(200);
        }
        workers.shutdown();
        probing.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
        probing.awaitTermination(60, TimeUnit.SECONDS);
        System.out.println("attack requests by status (-1 = timeout/refused): " + attackStatuses);
        for (var e : latencies.entrySet()) {
            List<Long> l = new ArrayList<>(e.getValue());
            Collections.sort(l);
            if (l.isEmpty()) continue;
            System.out.printf("%-24s n=%d p50=%d ms p95=%d ms max=%d ms, not 200: %d %s%n", e.getKey(), l.size(), l.get(l.size() / 2),
                    l.get(Math.min(l.size() - 1, (int) (l.size() * 0.95))), l.getLast(), failures.get(e.getKey()).size(),
                    failures.get(e.getKey()).stream().distinct().toList());
        }
    }

    static Org org(String name) throws Exception {
        String id = id(send("POST", server + "/admin/api/orgs", operator, "{\"name\":\"" + name + "\"}"));
        send("PUT", server + "/admin/api/orgs/" + id + "/provisioning", operator, "{\"enabled\":true}");
        Answer t = send("POST", server + "/admin/api/orgs/" + id + "/tokens", operator, "{}");
        Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(t.body());
        if (!m.find()) throw new IllegalStateException("no token: " + t.body());
        return new Org(id, m.group(1));
    }

    static String scim(Org org) {
        return server + "/scim/v2/" + org.id();
    }

    static String id(Answer a) {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(a.body());
        if (!m.find()) throw new IllegalStateException("no id in " + a.status() + " " + a.body());
        return m.group(1);
    }

    static Answer send(String method, String url, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (body != null) b.header("Content-Type", "application/scim+json");
        return exchange(b.build());
    }

    static Answer exchange(HttpRequest r) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(a.statusCode(), a.body(), (System.nanoTime() - t) / 1_000_000, a.headers().map());
    }

    static long rss(String pid) {
        if (pid == null) return 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    static long du(String data) {
        if (data == null) return 0;
        try (var files = Files.walk(Path.of(data, "postgres"))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (Exception e) {
                    return 0;
                }
            }).sum();
        } catch (Exception e) {
            return 0;
        }
    }
}
