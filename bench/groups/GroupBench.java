// Group membership benchmark (bench/groups/run): the cost of a membership change in a group of
// 100,000 members against one of 10, on one Lanyard server, over HTTP, one request at a time.
// JDK only:
//
//   SCIM_TOKEN=... java bench/groups/GroupBench.java --scim-url http://127.0.0.1:PORT/scim/v2/ORG \
//       [--members 100000] [--small 10] [--reps 100] [--warmup 20] [--out FILE]
//
// Setup (timed, not compared): creates members + small + spare users with POST /Bulk (1000 per
// request, 4 in parallel), a small group with `small` members, a big group with `members`
// members (POST with 20,000, then PATCH adds of 20,000: the most one request may name).
// Then `warmup` untimed rounds and `reps` timed rounds; each round takes the next spare user u
// and, alternating which group goes first, times:
//   add     PATCH {"op":"add","path":"members","value":[{"value":u}]}                 (204)
//   get     GET /Groups/{id}?excludedAttributes=members                                (200, checked)
//   remove  PATCH {"op":"remove","path":"members[value eq \"u\"]"}                    (204)
// Every answer's status is checked; every 10th round also checks over the API that u was a
// member after the add (members[value eq] filter) and is none after the remove. Last, a few full
// GETs of the big group (all 100,000 members streamed) with the byte count and member count
// checked. Median and p95 (nearest rank) in ms, time from sending to the last byte of the body.
// Only loopback URLs are accepted.

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class GroupBench {
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    static final Pattern LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"[^\"]*/Users/([0-9a-f-]{36})\"");
    static final Pattern ID = Pattern.compile("^\\{\"schemas\":\\[[^]]*],\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern TOTAL = Pattern.compile("\"totalResults\"\\s*:\\s*(\\d+)");
    static final int PER_REQUEST = 20_000;

    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    static String scim;
    static String token;

    record Resp(int status, String body, double ms, long bytes) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("members", "100000", "small", "10", "reps", "100", "warmup", "20"));
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        scim = opt.get("scim-url");
        token = System.getenv("SCIM_TOKEN");
        if (scim == null || token == null) throw new IllegalArgumentException("--scim-url and SCIM_TOKEN are required");
        if (!InetAddress.getByName(URI.create(scim).getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("only a server on this machine: " + scim);
        }
        int members = Integer.parseInt(opt.get("members"));
        int small = Integer.parseInt(opt.get("small"));
        int reps = Integer.parseInt(opt.get("reps"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        int spare = reps + warmup;
        String run = Long.toString(System.currentTimeMillis(), 36);

        long t0 = System.nanoTime();
        List<String> users = createUsers(members + small + spare, run);
        double usersSeconds = (System.nanoTime() - t0) / 1e9;
        List<String> bigMembers = users.subList(0, members);
        List<String> smallMembers = users.subList(members, members + small);
        List<String> spares = users.subList(members + small, users.size());

        String smallId = createGroup("small-" + run, smallMembers);
        t0 = System.nanoTime();
        String bigId = createGroup("big-" + run, bigMembers.subList(0, Math.min(PER_REQUEST, members)));
        for (int from = PER_REQUEST; from < members; from += PER_REQUEST) {
            expect(204, send("PATCH", "/Groups/" + bigId, patch(addOp(bigMembers.subList(from, Math.min(from + PER_REQUEST, members))))));
        }
        double bigSeconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "setup: %d users in %.1f s, a %d-member group in %.1f s%n", users.size(), usersSeconds, members, bigSeconds);

        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (String op : List.of("add", "get", "remove")) for (String g : List.of("small", "big")) times.put(op + " " + g, new ArrayList<>());
        for (int i = 0; i < spare; i++) {
            boolean timed = i >= warmup;
            String u = spares.get(i);
            String[][] order = i % 2 == 0 ? new String[][]{{"small", smallId}, {"big", bigId}} : new String[][]{{"big", bigId}, {"small", smallId}};
            for (String[] g : order) record(times, timed, "add " + g[0], expect(204, send("PATCH", "/Groups/" + g[1], patch(addOp(List.of(u))))));
            if (i % 10 == 0) checkMember(bigId, u, 1);
            for (String[] g : order) {
                Resp r = expect(200, send("GET", "/Groups/" + g[1] + "?excludedAttributes=members", null));
                if (r.body.contains("\"members\"")) throw new IllegalStateException("members in an excludedAttributes=members answer");
                record(times, timed, "get " + g[0], r);
            }
            for (String[] g : order) record(times, timed, "remove " + g[0], expect(204, send("PATCH", "/Groups/" + g[1],
                    patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + u + "\\\"]\"}"))));
            if (i % 10 == 0) checkMember(bigId, u, 0);
        }

        List<Double> full = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 4; i++) {
            Resp r = expect(200, send("GET", "/Groups/" + bigId, null));
            int count = count(r.body, "\"value\":\"");
            if (count != members) throw new IllegalStateException("full GET returned " + count + " members, not " + members);
            if (i > 0) full.add(r.ms);  // the first one warms up
            bytes = r.bytes;
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "members %d vs %d, %d timed rounds after %d warm-up rounds%n%n", members, small, reps, warmup));
        out.append("| operation | group | median ms | p95 ms | big / small (median) |\n|---|---|---:|---:|---:|\n");
        for (String op : List.of("add", "get", "remove")) {
            double[] s = stats(times.get(op + " small"));
            double[] b = stats(times.get(op + " big"));
            String label = switch (op) {
                case "add" -> "PATCH add one member";
                case "get" -> "GET ?excludedAttributes=members";
                default -> "PATCH remove one member (members[value eq])";
            };
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | |%n", label, small, s[0], s[1]));
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |%n", label, members, b[0], b[1], b[0] / s[0]));
        }
        double[] f = stats(full);
        out.append(String.format(Locale.ROOT, "%nfull GET of the %d-member group (members streamed): median %.0f ms over %d runs, %d bytes%n",
                members, f[0], full.size(), bytes));
        out.append(String.format(Locale.ROOT, "setup: %d users by /Bulk in %.1f s; the %d-member group built in %.1f s (%d requests)%n",
                users.size(), usersSeconds, members, bigSeconds, (members + PER_REQUEST - 1) / PER_REQUEST));
        System.out.print(out);
        if (opt.containsKey("out")) Files.writeString(Path.of(opt.get("out")), out.toString());
    }

    static void record(Map<String, List<Double>> times, boolean timed, String key, Resp r) {
        if (timed) times.get(key).add(r.ms);
    }

    static void checkMember(String groupId, String user, int expected) throws Exception {
        String filter = URLEncoder.encode("id eq \"" + groupId + "\" and members[value eq \"" + user + "\"]", StandardCharsets.UTF_8);
        Resp r = expect(200, send("GET", "/Groups?excludedAttributes=members&filter=" + filter, null));
        Matcher m = TOTAL.matcher(r.body);
        if (!m.find() || Integer.parseInt(m.group(1)) != expected) {
            throw new IllegalStateException("user " + user + " should " + (expected == 1 ? "" : "not ") + "be a member: " + r.body);
        }
    }

    static List<String> createUsers(int n, String run) throws Exception {
        List<String> ids = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<List<String>>> batches = new ArrayList<>();
            for (int from = 0; from < n; from += 1000) {
                int start = from, end = Math.min(from + 1000, n);
                batches.add(pool.submit(() -> {
                    StringBuilder ops = new StringBuilder();
                    for (int i = start; i < end; i++) {
                        if (i > start) ops.append(',');
                        ops.append("{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"u").append(i).append("\",\"data\":{")
                                .append("\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"g")
                                .append(run).append('.').append(i).append("@example.com\",\"active\":true}}");
                    }
                    Resp r = expect(200, send("POST", "/Bulk", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"],"
                            + "\"Operations\":[" + ops + "]}"));
                    List<String> out = new ArrayList<>();
                    Matcher m = LOCATION.matcher(r.body);
                    while (m.find()) out.add(m.group(1));
                    if (out.size() != end - start) throw new IllegalStateException("bulk created " + out.size() + " of " + (end - start));
                    return out;
                }));
            }
            for (Future<List<String>> b : batches) ids.addAll(b.get());
        }
        return ids;
    }

    static String createGroup(String name, List<String> members) throws Exception {
        StringBuilder body = new StringBuilder("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"")
                .append(name).append("\",\"members\":").append(values(members)).append('}');
        Resp r = expect(201, send("POST", "/Groups?excludedAttributes=members", body.toString()));
        Matcher m = ID.matcher(r.body);
        if (!m.find()) throw new IllegalStateException("no id in " + r.body);
        return m.group(1);
    }

    static String addOp(List<String> ids) {
        return "{\"op\":\"add\",\"path\":\"members\",\"value\":" + values(ids) + "}";
    }

    static String values(List<String> ids) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) s.append(i == 0 ? "" : ",").append("{\"value\":\"").append(ids.get(i)).append("\"}");
        return s.append(']').toString();
    }

    static String patch(String op) {
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + op + "]}";
    }

    static Resp send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scim + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/scim+json");
        if (body != null) b.header("Content-Type", "application/scim+json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        // A server with tenant limits may answer 429 / 503 with Retry-After (bulk setup runs 4 at a
        // time): wait as told and send again, at most 5 times; the time of the answer that counts.
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            double ms = (System.nanoTime() - start) / 1e6;
            if ((r.statusCode() == 429 || r.statusCode() == 503) && attempt < 5) {
                long wait = r.headers().firstValue("Retry-After").map(v -> v.matches("\\d{1,3}") ? Long.parseLong(v) : 1L).orElse(1L);
                Thread.sleep(Math.min(30, wait) * 1000);
                continue;
            }
            return new Resp(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), ms, r.body().length);
        }
    }

    static Resp expect(int status, Resp r) {
        if (r.status != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status + ": "
                    + r.body.substring(0, Math.min(500, r.body.length())));
        }
        return r;
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }

    static double[] stats(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return new double[]{a[(a.length - 1) / 2], a[(int) Math.ceil(0.95 * a.length) - 1]};
    }
}
