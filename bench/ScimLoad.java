// Load generator for a Lanyard SCIM endpoint: JDK only, run as a single source file.
//
//   $JAVA_HOME/bin/java bench/ScimLoad.java --scim-url URL --token TOKEN [--users N] [--concurrency C]
//       [--lookups M] [--warmup W]
//
// Phase 1 POSTs N Okta-shaped users with C concurrent workers; phase 2 runs M `userName eq` lookups
// of random users created in phase 1. Before measuring, W warm-up requests (half creates of separate
// warm-up users, half lookups of them) let the JIT and the connection pools settle; they are not counted.
// Every loop is bounded by its count and every request by a timeout. Only loopback URLs are accepted.
// Exit code: 0 when every measured request succeeded, 1 when some failed, 2 on bad arguments.

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ScimLoad {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_SAMPLES = 5;
    static final int MAX_BODY_SHOWN = 600;
    static final String SCIM_JSON = "application/scim+json";
    static final Pattern TOTAL_RESULTS = Pattern.compile("\"totalResults\"\\s*:\\s*(\\d+)");

    static final String[] GIVEN = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken",
            "Margaret", "Dennis", "Radia", "Leslie", "Katherine", "Tim", "Sophie", "John"};
    static final String[] FAMILY = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen",
            "Thompson", "Hamilton", "Ritchie", "Perlman", "Lamport", "Johnson", "Berners-Lee", "Wilson", "Backus"};

    record Options(URI scimUrl, String token, int users, int concurrency, int lookups, int warmup) {}

    /** One request to make: what is sent, and how a 2xx answer is judged (null: fine; else: why wrong). */
    record Call(String method, URI uri, String body, java.util.function.Function<String, String> check) {}

    /** What went wrong with one request, kept for the first few failures. */
    record Failure(String request, String answer) {}

    /** Results of one phase. */
    static final class Phase {
        final String name;
        final long[] latencyNanos;
        final boolean[] ok;
        final AtomicInteger errors = new AtomicInteger();
        final ConcurrentLinkedQueue<Failure> samples = new ConcurrentLinkedQueue<>();
        final AtomicInteger sampled = new AtomicInteger();
        long wallNanos;

        Phase(String name, int count) {
            this.name = name;
            this.latencyNanos = new long[count];
            this.ok = new boolean[count];
        }

        void fail(Call call, String answer) {
            errors.incrementAndGet();
            if (sampled.getAndIncrement() < MAX_SAMPLES) {
                String request = call.method() + " " + call.uri() + (call.body() == null ? "" : "\n      body: " + call.body());
                samples.add(new Failure(request, answer));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ScimLoad: " + e.getMessage());
            System.err.println("usage: java bench/ScimLoad.java --scim-url URL --token TOKEN [--users 2000] [--concurrency 8] [--lookups 2000] [--warmup 100]");
            System.exit(2);
            return;
        }

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // plain http: no h2c upgrade
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        // A run id keeps userNames unique, so the check can run again against the same server.
        String run = Long.toString(System.currentTimeMillis(), 36);
        URI users = URI.create(o.scimUrl().toString().replaceAll("/+$", "") + "/Users");

        System.out.printf(Locale.ROOT, "ScimLoad: %s, %d users, %d lookups, %d concurrent workers, run id %s%n",
                users, o.users(), o.lookups(), o.concurrency(), run);
        System.out.printf(Locale.ROOT, "client: Java %s, %d CPUs visible%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());

        // Warm-up: separate users (prefix "warmup"), not measured.
        if (o.warmup() > 0) {
            int creates = Math.max(1, o.warmup() / 2);
            int finds = o.warmup() - creates;
            System.out.printf(Locale.ROOT, "warm-up: %d creates + %d lookups of separate warm-up users (not measured)...%n", creates, finds);
            Phase wc = runPhase("warm-up create", creates, o.concurrency(), http, o.token(),
                    i -> createCall(users, "warmup-" + run, i));
            Phase wl = runPhase("warm-up lookup", finds, o.concurrency(), http, o.token(),
                    i -> lookupCall(users, email("warmup-" + run, ThreadLocalRandom.current().nextInt(creates))));
            if (wc.errors.get() + wl.errors.get() > 0) {
                System.out.println("warm-up had errors:");
                report(wc);
                report(wl);
            }
        }

        Phase create = runPhase("create (POST /Users)", o.users(), o.concurrency(), http, o.token(),
                i -> createCall(users, run, i));
        report(create);

        int[] created = java.util.stream.IntStream.range(0, o.users()).filter(i -> create.ok[i]).toArray();
        Phase lookup;
        if (created.length == 0) {
            System.out.println("\nno user was created: skipping the lookups");
            lookup = null;
        } else {
            lookup = runPhase("lookup (GET /Users?filter=userName eq)", o.lookups(), o.concurrency(), http, o.token(),
                    i -> lookupCall(users, email(run, created[ThreadLocalRandom.current().nextInt(created.length)])));
            report(lookup);
        }

        int errors = create.errors.get() + (lookup == null ? 0 : lookup.errors.get());
        System.out.println();
        System.out.println(errors == 0 ? "OK: no errors" : "FAILED: " + errors + " request(s) failed (see the samples above)");
        System.exit(errors == 0 ? 0 : 1);
    }

    // ---- requests ------------------------------------------------------------------------------

    static String email(String run, int i) {
        return "bench." + run + "." + i + "@example.com";
    }

    /** The body Okta sends when assigning a user: schemas, name, emails, groups: [], a placeholder password. */
    static Call createCall(URI users, String run, int i) {
        String given = GIVEN[i % GIVEN.length];
        String family = FAMILY[(i / GIVEN.length) % FAMILY.length];
        String userName = email(run, i);
        String externalId = "00u" + run + String.format(Locale.ROOT, "%07d", i);
        String password = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        String body = "{"
                + "\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":" + q(userName) + ","
                + "\"name\":{\"givenName\":" + q(given) + ",\"familyName\":" + q(family) + "},"
                + "\"emails\":[{\"primary\":true,\"value\":" + q(userName) + ",\"type\":\"work\"}],"
                + "\"displayName\":" + q(given + " " + family) + ","
                + "\"locale\":\"en-US\","
                + "\"externalId\":" + q(externalId) + ","
                + "\"groups\":[],"
                + "\"password\":" + q(password) + ","
                + "\"active\":true"
                + "}";
        return new Call("POST", users, body, answer -> answer.contains("\"id\"") ? null : "201 without an id");
    }

    /** Okta's pre-check before assigning: exactly one result expected, since the user was created. */
    static Call lookupCall(URI users, String email) {
        String filter = URLEncoder.encode("userName eq \"" + email + "\"", StandardCharsets.UTF_8).replace("+", "%20");
        URI uri = URI.create(users + "?filter=" + filter + "&startIndex=1&count=100");
        return new Call("GET", uri, null, answer -> {
            Matcher m = TOTAL_RESULTS.matcher(answer);
            if (!m.find()) return "no totalResults in the answer";
            return "1".equals(m.group(1)) ? null : "expected totalResults 1, got " + m.group(1);
        });
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- running -------------------------------------------------------------------------------

    /** Runs {@code count} calls with {@code concurrency} workers; each worker takes the next index until none are left. */
    static Phase runPhase(String name, int count, int concurrency, HttpClient http, String token, IntFunction<Call> calls)
            throws InterruptedException {
        Phase phase = new Phase(name, count);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService workers = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().daemon().factory())) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        one(phase, i, calls.apply(i), http, token);
                    }
                });
            }
            workers.shutdown();
            // Each request has its own timeout, so this only guards against a bug in the loop above.
            long limitSeconds = 60 + (long) count * REQUEST_TIMEOUT.toSeconds() / Math.max(1, concurrency);
            if (!workers.awaitTermination(limitSeconds, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                throw new IllegalStateException(name + " did not finish within " + limitSeconds + " s");
            }
        }
        phase.wallNanos = System.nanoTime() - start;
        return phase;
    }

    static void one(Phase phase, int i, Call call, HttpClient http, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(call.uri())
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", SCIM_JSON)
                .header("User-Agent", "lanyard-bench/ScimLoad");
        if (call.body() != null) {
            request.header("Content-Type", SCIM_JSON)
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        } else {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            phase.latencyNanos[i] = System.nanoTime() - t0;
            String body = response.body();
            if (response.statusCode() / 100 != 2) {
                phase.fail(call, "HTTP " + response.statusCode() + " " + shorten(body));
                return;
            }
            String wrong = call.check().apply(body);
            if (wrong != null) {
                phase.fail(call, "HTTP " + response.statusCode() + " but " + wrong + ": " + shorten(body));
                return;
            }
            phase.ok[i] = true;
        } catch (Exception e) {
            phase.latencyNanos[i] = System.nanoTime() - t0;
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            phase.fail(call, "no answer: " + e);
        }
    }

    static String shorten(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() <= MAX_BODY_SHOWN ? flat : flat.substring(0, MAX_BODY_SHOWN) + "...";
    }

    // ---- reporting -----------------------------------------------------------------------------

    static void report(Phase p) {
        int n = p.latencyNanos.length;
        long[] sorted = p.latencyNanos.clone();
        Arrays.sort(sorted);
        double seconds = p.wallNanos / 1e9;
        System.out.println();
        System.out.println(p.name);
        System.out.printf(Locale.ROOT, "  requests   %d%n", n);
        System.out.printf(Locale.ROOT, "  errors     %d%n", p.errors.get());
        System.out.printf(Locale.ROOT, "  wall time  %.2f s%n", seconds);
        System.out.printf(Locale.ROOT, "  throughput %.1f req/s%n", seconds > 0 ? n / seconds : 0.0);
        if (n > 0) {
            System.out.printf(Locale.ROOT, "  latency ms p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                    ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)), ms(sorted[n - 1]));
        }
        List<Failure> samples = new ArrayList<>(p.samples);
        if (!samples.isEmpty()) {
            System.out.printf(Locale.ROOT, "  first %d failure(s):%n", samples.size());
            for (Failure f : samples) {
                System.out.println("    request: " + f.request());
                System.out.println("    answer:  " + f.answer());
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double pct) {
        int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---- arguments -----------------------------------------------------------------------------

    static Options parse(String[] args) {
        String scimUrl = null, token = System.getenv("SCIM_TOKEN");
        int users = 2000, concurrency = 8, lookups = 2000, warmup = 100;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--scim-url" -> { scimUrl = need(a, value); i++; }
                case "--token" -> { token = need(a, value); i++; }
                case "--users" -> { users = number(a, need(a, value), 0); i++; }
                case "--concurrency" -> { concurrency = number(a, need(a, value), 1); i++; }
                case "--lookups" -> { lookups = number(a, need(a, value), 0); i++; }
                case "--warmup" -> { warmup = number(a, need(a, value), 0); i++; }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (scimUrl == null) throw new IllegalArgumentException("--scim-url is required");
        if (token == null || token.isBlank()) throw new IllegalArgumentException("--token (or env SCIM_TOKEN) is required");
        URI uri;
        try {
            uri = URI.create(scimUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scim-url is not a URL: " + scimUrl);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--scim-url must be an http(s) URL, got " + scimUrl);
        }
        if (!isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("--scim-url must point at this machine (localhost / 127.0.0.1 / [::1]), got " + uri.getHost());
        }
        if (concurrency > 256) throw new IllegalArgumentException("--concurrency is at most 256");
        if (users > 1_000_000 || lookups > 1_000_000 || warmup > 10_000) {
            throw new IllegalArgumentException("--users/--lookups are at most 1000000, --warmup at most 10000");
        }
        return new Options(uri, token.trim(), users, concurrency, lookups, warmup);
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        // Literal addresses only: no DNS lookup of a name that might point elsewhere.
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) return false;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    static String need(String option, String value) {
        if (value == null) throw new IllegalArgumentException(option + " needs a value");
        return value;
    }

    static int number(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n < min) throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got " + value);
        }
    }
}
