// HTTP timings for the million-user benchmark (bench/million/run): the same SCIM list queries
// against a small and a large organization of one Lanyard server, sequentially, one request at a
// time, the two organizations interleaved request by request (small, large, large, small, ...) so
// that both see the same JIT state, caches and background load.
//
//   java -cp 'target/classes:target/lib/*' bench/million/Bench.java --url http://127.0.0.1:PORT \
//       --props DIR/bench.properties --out bench/million/results.md [--reps 50] [--warmup 10]
//   (tokens in the environment: BENCH_TOKEN_SMALL, BENCH_TOKEN_LARGE)
//
// For each query: `warmup` untimed requests, then `reps` timed ones (send to last byte of the
// body); median and p95 (nearest rank) in ms. Every answer is checked (status 200, totalResults,
// number of Resources), so a fast wrong answer cannot pass for a fast right one.
// Cursor pages at depth D are reached by walking with count=1000 (cursors are signed by the server
// and cannot be forged); the cursor at D is then requested `reps` times (cursors are stateless and
// reusable). Before any timing, every query of the small organization runs 30 times (JIT warm-up).
// Only loopback URLs are accepted.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Reader;
import java.net.InetAddress;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.IntFunction;

public class Bench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    record Org(String name, String id, String token, int users, List<String> sample, String co, long coMatches) {}

    /** A timed query: which request (rep i), what a right answer looks like. */
    record Query(String key, String label, IntFunction<String> query, long expectTotal, int expectItems) {}

    record Stats(double median, double p95, double min, double max, int n) {}

    static HttpClient http;
    static String base;
    static int reps = 50;
    static int warmup = 10;

    public static void main(String[] args) throws Exception {
        Path props = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> base = args[++i];
                case "--props" -> props = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        URI u = URI.create(base);
        if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) throw new IllegalArgumentException("loopback only: " + base);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Org small = org(p, "small", "BENCH_TOKEN_SMALL");
        Org large = org(p, "large", "BENCH_TOKEN_LARGE");
        Map<String, String> notes = new TreeMap<>();
        long started = System.nanoTime();

        // Cursors at depth: walk there first (cursors are signed by the server and stateless, so
        // the cursor for a depth can then be requested again and again).
        Map<Integer, String> smallCursors = walk(small, depths(small), notes);
        Map<Integer, String> largeCursors = walk(large, depths(large), notes);

        // JIT warm-up of the server (and of this client), discarded: every query of the small
        // organization 30 times, so that the first measured requests do not run in a cold JVM.
        for (Query q : queries(small, smallCursors).values()) {
            for (int i = 0; i < 30; i++) check(get(small, q.query().apply(2000 + i)), q.query().apply(2000 + i), q.expectTotal(), q.expectItems());
        }

        // The comparison: each query of one organization interleaved with the same query of the
        // other (small, large, large, small, ...), so both see the same JVM, caches, plan caches
        // and background load.
        Map<String, Query> sq = queries(small, smallCursors);
        Map<String, Query> lq = queries(large, largeCursors);
        Map<String, Stats[]> pairs = new LinkedHashMap<>();
        for (String key : sq.keySet()) {
            Stats[] st = timePair(small, sq.get(key), large, lq.get(key));
            pairs.put(key, st);
        }
        // The large organization alone at more depths.
        Map<String, Stats> depthStats = new LinkedHashMap<>();
        for (int d : depths(large)) {
            depthStats.put("d@" + d, time(large, pageAt(large, d)));
            depthStats.put("e@" + d, time(large, cursorAt(large, d, largeCursors.get(d))));
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String report = report(small, large, pairs, depthStats, notes, p, minutes);
        System.out.println(report);
        if (out != null) Files.writeString(out, report);
    }

    /** The compared queries, by key, in report order. */
    static Map<String, Query> queries(Org org, Map<Integer, String> cursors) {
        int deep = deep(org);
        Map<String, Query> q = new LinkedHashMap<>();
        q.put("a", new Query("a", "eq",
                i -> "filter=" + enc("userName eq \"" + org.sample().get(Math.floorMod(i, org.sample().size())) + "\""), 1, 1));
        q.put("b", new Query("b", "co",
                i -> "filter=" + enc("userName co \"" + org.co() + "\"") + "&count=10", org.coMatches(),
                (int) Math.min(10, org.coMatches())));
        q.put("c", new Query("c", "sorted", i -> "sortBy=userName&count=100", org.users(), 100));
        q.put("d", pageAt(org, deep));
        q.put("e0", new Query("e0", "cursor first page", i -> "cursor=&count=100", org.users(), 100));
        q.put("e", cursorAt(org, deep, cursors.get(deep)));
        // Not in the brief's list: a filter every user matches, to show what an exact totalResults
        // costs when the matches are many (count(*) over all of them).
        q.put("f", new Query("f", "many", i -> "filter=" + enc("userName ew \"@example.com\"") + "&count=100", org.users(), 100));
        return q;
    }

    static Query pageAt(Org org, int depth) {
        return new Query("d@" + depth, "startIndex", i -> "startIndex=" + (depth + 1) + "&count=100", org.users(),
                Math.min(100, org.users() - depth));
    }

    static Query cursorAt(Org org, int depth, String cursor) {
        return new Query("e@" + depth, "cursor", i -> "cursor=" + enc(cursor) + "&count=100", org.users(),
                Math.min(100, org.users() - depth));
    }

    static int deep(Org org) {
        return org.users() / 10 * 9;
    }

    /** Depths for startIndex and cursor pages: 90% of the organization, plus intermediate ones when large. */
    static int[] depths(Org org) {
        int deep = deep(org);
        return java.util.stream.IntStream.concat(
                java.util.stream.IntStream.of(1_000, 10_000, 100_000, 500_000).filter(d -> org.users() >= 100_000 && d < deep),
                java.util.stream.IntStream.of(deep)).toArray();
    }

    static Org org(Properties p, String name, String tokenEnv) {
        String token = System.getenv(tokenEnv);
        if (token == null || token.isBlank()) throw new IllegalArgumentException("set " + tokenEnv);
        return new Org(name, p.getProperty(name + ".orgId"), token, Integer.parseInt(p.getProperty(name + ".users")),
                Arrays.asList(p.getProperty(name + ".sample").split(" ")), p.getProperty(name + ".co"),
                Long.parseLong(p.getProperty(name + ".co.matchesIn." + name)));
    }

    /** Walks with cursor pages of 1000 (100 for a small organization) and keeps the cursor at each depth. */
    static Map<Integer, String> walk(Org org, int[] depths, Map<String, String> notes) throws Exception {
        int deep = depths[depths.length - 1];
        int step = Arrays.stream(depths).allMatch(d -> d % 1000 == 0) ? 1000 : 100;
        Map<Integer, String> cursors = new TreeMap<>();
        String cursor = "";
        int depth = 0;
        long walkStart = System.nanoTime();
        List<Double> walk = new ArrayList<>();
        while (depth < deep) {
            String q = "cursor=" + enc(cursor) + "&count=" + step;
            long t = System.nanoTime();
            JsonNode body = get(org, q);
            walk.add((System.nanoTime() - t) / 1e6);
            check(body, q, org.users(), step);
            cursor = body.path("nextCursor").asText(null);
            if (cursor == null) throw new IllegalStateException("no nextCursor at depth " + depth);
            depth += step;
            for (int d : depths) if (d == depth) cursors.put(d, cursor);
        }
        Stats w = stats(walk);
        notes.put("walk " + org.name(), String.format(Locale.ROOT, "Walk of the %s organization to depth %,d: %d cursor pages of %d in %.1f s "
                + "(page median %.1f ms, p95 %.1f ms, max %.1f ms; this is before the JIT warm-up)", org.name(), deep, walk.size(), step,
                (System.nanoTime() - walkStart) / 1e9, w.median(), w.p95(), w.max()));
        System.out.printf(Locale.ROOT, "walked %s to depth %,d in %d pages%n", org.name(), deep, walk.size());
        return cursors;
    }

    /** The same query against two organizations, interleaved; the order alternates every round. */
    static Stats[] timePair(Org a, Query qa, Org b, Query qb) throws Exception {
        for (int i = 0; i < warmup; i++) {
            once(a, qa, 1000 + i);
            once(b, qb, 1000 + i);
        }
        List<Double> ta = new ArrayList<>();
        List<Double> tb = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            if (i % 2 == 0) {
                ta.add(once(a, qa, i));
                tb.add(once(b, qb, i));
            } else {
                tb.add(once(b, qb, i));
                ta.add(once(a, qa, i));
            }
        }
        Stats sa = stats(ta);
        Stats sb = stats(tb);
        System.out.printf(Locale.ROOT, "  %-4s %-6s median %8.1f ms  p95 %8.1f ms | %-6s median %8.1f ms  p95 %8.1f ms%n",
                qa.key().equals(qb.key()) ? qa.key() : qa.key() + "/" + qb.key(), a.name(), sa.median(), sa.p95(), b.name(), sb.median(), sb.p95());
        return new Stats[] {sa, sb};
    }

    /** One checked request; its time in ms. */
    static double once(Org org, Query q, int i) throws Exception {
        String query = q.query().apply(i);
        long t = System.nanoTime();
        JsonNode body = get(org, query);
        double ms = (System.nanoTime() - t) / 1e6;
        check(body, query, q.expectTotal(), q.expectItems());
        return ms;
    }

    static Stats time(Org org, Query q) throws Exception {
        for (int i = 0; i < warmup; i++) once(org, q, 1000 + i);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < reps; i++) ms.add(once(org, q, i));
        Stats s = stats(ms);
        System.out.printf(Locale.ROOT, "  %-8s %-6s median %8.1f ms  p95 %8.1f ms%n", q.key(), org.name(), s.median(), s.p95());
        return s;
    }

    static JsonNode get(Org org, String query) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/scim/v2/" + org.id() + "/Users?" + query))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + org.token())
                .header("Accept", "application/scim+json")
                .GET().build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("GET /Users?" + query + " answered " + resp.statusCode() + ": " + abbreviate(resp.body()));
        }
        return JSON.readTree(resp.body());
    }

    static void check(JsonNode body, String query, long expectTotal, int expectItems) {
        long total = body.path("totalResults").asLong(-1);
        int items = body.path("Resources").size();
        if (total != expectTotal || items != expectItems) {
            throw new IllegalStateException("GET /Users?" + query + ": totalResults " + total + " (expected " + expectTotal
                    + "), " + items + " Resources (expected " + expectItems + ")");
        }
    }

    static Stats stats(List<Double> ms) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(rank(v, 0.50), rank(v, 0.95), v[0], v[v.length - 1], v.length);
    }

    /** Nearest-rank percentile. */
    static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String report(Org small, Org large, Map<String, Stats[]> pairs, Map<String, Stats> depthStats,
                         Map<String, String> notes, Properties p, double minutes) {
        StringBuilder b = new StringBuilder();
        int sd = deep(small);
        int ld = deep(large);
        b.append(String.format(Locale.ROOT, "Small: %,d users; large: %,d users; one database. Per query: %d warm-up, then %d timed requests "
                + "per organization, the two organizations interleaved. Milliseconds from sending the request to the last byte of the answer, "
                + "median / p95 (nearest rank). Ratio = large median / small median.%n%n", small.users(), large.users(), warmup, reps));
        b.append("| query | small median | small p95 | large median | large p95 | ratio | at most 1.5x? |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | :---: |\n");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("a", "a. `filter=userName eq \"<existing user>\"` (a different user each time)");
        labels.put("b", String.format(Locale.ROOT, "b. `filter=userName co \"<fragment>\"&count=10` (\"%s\": %d matches; \"%s\": %d matches)",
                small.co(), small.coMatches(), large.co(), large.coMatches()));
        labels.put("c", "c. `sortBy=userName&count=100`");
        labels.put("d", String.format(Locale.ROOT, "d. `startIndex=%d` vs `startIndex=%d`, `count=100` (depth %,d vs %,d)", sd + 1, ld + 1, sd, ld));
        labels.put("e0", "e. `cursor=&count=100` (first page)");
        labels.put("e", String.format(Locale.ROOT, "e. `cursor=<at depth>&count=100` (depth %,d vs %,d)", sd, ld));
        labels.put("f", String.format(Locale.ROOT, "f. (extra) `filter=userName ew \"@example.com\"&count=100`: every user matches (%,d vs %,d)",
                small.users(), large.users()));
        for (var e : pairs.entrySet()) {
            Stats s = e.getValue()[0];
            Stats l = e.getValue()[1];
            double ratio = l.median() / s.median();
            b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1fx | %s |%n", labels.get(e.getKey()),
                    s.median(), s.p95(), l.median(), l.p95(), ratio, ratio <= 1.5 ? "yes" : "**no**"));
        }
        b.append(String.format(Locale.ROOT, "%nThe large organization alone, by depth (`count=100`; %d timed after %d warm-up):%n%n", reps, warmup));
        b.append("| depth | `startIndex` median / p95 | cursor median / p95 |\n| ---: | ---: | ---: |\n");
        for (int d : depths(large)) {
            Stats si = depthStats.get("d@" + d);
            Stats cu = depthStats.get("e@" + d);
            b.append(String.format(Locale.ROOT, "| %,d | %.1f / %.1f | %.1f / %.1f |%n", d, si.median(), si.p95(), cu.median(), cu.p95()));
        }
        b.append("\nNotes:\n\n");
        for (String n : notes.values()) b.append("- ").append(n).append('\n');
        b.append(String.format(Locale.ROOT, "- Load: %s accounts and as many account_events rows; COPY accounts %s s, COPY events %s s, "
                        + "index rebuild %s s (rebuild-indexes=%s), commit %s s, VACUUM (ANALYZE) + CHECKPOINT %s s; total %s s%n",
                p.getProperty("load.rows"), p.getProperty("load.copyAccountsSeconds"), p.getProperty("load.copyEventsSeconds"),
                p.getProperty("load.indexesSeconds"), p.getProperty("load.rebuildIndexes"), p.getProperty("load.commitSeconds"),
                p.getProperty("load.vacuumAnalyzeSeconds"), p.getProperty("load.totalSeconds")));
        b.append(String.format(Locale.ROOT, "- Sizes after the load: database %s MiB (managed_accounts heap %s MiB + its indexes %s MiB; account_events %s MiB)%n",
                mb(p, "size.database"), mb(p, "size.accountsTable"), mb(p, "size.accountsIndexes"), mb(p, "size.events")));
        b.append("- managed_accounts indexes (MiB): ");
        List<String> idx = new ArrayList<>();
        for (String e : p.getProperty("size.accountsIndexEach", "").split(" ")) {
            if (e.isBlank()) continue;
            String[] kv = e.split("=");
            idx.add(String.format(Locale.ROOT, "%s %.1f", kv[0].replace("managed_accounts_", ""), Long.parseLong(kv[1]) / 1048576.0));
        }
        b.append(String.join(", ", idx)).append('\n');
        b.append(String.format(Locale.ROOT, "- co fragments: \"%s\" (small) also matches %s rows of the large organization; \"%s\" (large) matches %s rows of the small one%n",
                small.co(), p.getProperty("small.co.matchesIn.large"), large.co(), p.getProperty("large.co.matchesIn.small")));
        b.append(String.format(Locale.ROOT, "- Names: %s given names, %s family names (the most frequent real, the tail synthetic), Zipf-like frequencies%n",
                p.getProperty("names.given"), p.getProperty("names.family")));
        b.append(String.format(Locale.ROOT, "- HTTP phase: %.1f min%n", minutes));
        return b.toString();
    }

    static String mb(Properties p, String key) {
        return Long.toString(Long.parseLong(p.getProperty(key, "0")) >> 20);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }
}
