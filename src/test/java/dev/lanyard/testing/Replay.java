package dev.lanyard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays a recorded IdP request sequence (src/test/resources/idp/&lt;idp&gt;/*.json) over HTTP
 * against a {@link TestApp}, one fresh organization per scenario. A step is a request and what
 * the IdP needs back:
 *
 * <pre>{"name": "...", "auth": "token|wrong|none|raw:&lt;header&gt;", "api": "scim|admin",
 *  "request": {"method": "PATCH", "path": "/Users/${userId}", "contentType": "...", "body": {...}},
 *  "expect": {"status": 200, "json": {"/active": false}, "present": [...], "absent": [...],
 *             "numbers": [...], "headers": {"ETag": "W/"}, "contentType": "application/scim+json"},
 *  "capture": {"userId": "/id"}}</pre>
 *
 * JSON assertions are JSON Pointers; header expectations are prefixes. "${name}" is replaced by
 * captured values (and ${orgId}).
 */
public final class Replay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private Replay() {}

    public static DynamicContainer scenario(TestApp app, String resource, Map<String, String> headers) {
        JsonNode scenario = load(resource);
        Map<String, String> vars = new HashMap<>();
        List<DynamicTest> steps = new ArrayList<>();
        TestApp.Org[] org = new TestApp.Org[1];
        int index = 1;
        for (JsonNode step : scenario.get("steps")) {
            String name = (index++) + ". " + step.get("name").asText();
            steps.add(DynamicTest.dynamicTest(name, () -> {
                if (org[0] == null) {
                    org[0] = app.newOrg("replay-" + java.util.UUID.randomUUID());
                    vars.put("orgId", org[0].id());
                }
                run(app, org[0], step, vars, headers);
            }));
        }
        String title = scenario.get("scenario").asText() + "  [source: " + scenario.get("source").asText() + "]";
        return DynamicContainer.dynamicContainer(title, steps);
    }

    /**
     * Runs every step of a scenario on {@code org}, checking each as {@link #scenario} does, and
     * returns the captured values (ids the steps named): for tests that look at what the replay left behind.
     */
    public static Map<String, String> play(TestApp app, TestApp.Org org, String resource, Map<String, String> headers) {
        Map<String, String> vars = new HashMap<>();
        vars.put("orgId", org.id());
        for (JsonNode step : load(resource).get("steps")) run(app, org, step, vars, headers);
        return vars;
    }

    private static void run(TestApp app, TestApp.Org org, JsonNode step, Map<String, String> vars,
                            Map<String, String> idpHeaders) {
        JsonNode request = step.get("request");
        boolean admin = "admin".equals(text(step, "api", "scim"));
        String path = substitute(request.get("path").asText(), vars);
        String url = admin ? "/admin/api/orgs/" + org.id() + path : org.scimPath() + path;
        String body = request.has("body") ? substitute(request.get("body").toString(), vars) : null;

        Map<String, String> headers = new LinkedHashMap<>(admin ? Map.of() : idpHeaders);
        if (body != null) headers.put("Content-Type", text(request, "contentType", "application/scim+json"));
        String auth = text(step, "auth", "token");
        if (admin) {
            headers.put("Authorization", "Bearer " + app.operatorToken());
        } else if (auth.equals("token")) {
            headers.put("Authorization", "Bearer " + org.token());
        } else if (auth.equals("wrong")) {
            headers.put("Authorization", "Bearer lanyard_scim_not-a-real-token");
        } else if (auth.startsWith("raw:")) {
            headers.put("Authorization", auth.substring(4));
        }
        Http.Response response = app.http().send(request.get("method").asText(), url, body, headers);
        String context = request.get("method").asText() + " " + url + " -> " + response;

        JsonNode expect = step.get("expect");
        assertThat(response.status()).as(context).isEqualTo(expect.get("status").asInt());
        if (expect.has("contentType")) {
            assertThat(response.header("Content-Type")).as(context).startsWith(expect.get("contentType").asText());
        }
        JsonNode json = response.json();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(expect, "json"); it.hasNext(); ) {
            var e = it.next();
            JsonNode actual = json.at(e.getKey());
            JsonNode wanted = e.getValue().isTextual()
                    ? JSON.getNodeFactory().textNode(substitute(e.getValue().asText(), vars)) : e.getValue();
            assertThat(actual).as(e.getKey() + " in " + context).isEqualTo(wanted);
        }
        for (JsonNode pointer : list(expect, "present")) {
            JsonNode actual = json.at(pointer.asText());
            assertThat(actual.isMissingNode() || actual.isNull() || (actual.isTextual() && actual.asText().isEmpty()))
                    .as(pointer.asText() + " must be present in " + context).isFalse();
        }
        for (JsonNode pointer : list(expect, "absent")) {
            assertThat(json.at(pointer.asText()).isMissingNode()).as(pointer.asText() + " must be absent in " + context).isTrue();
        }
        for (JsonNode pointer : list(expect, "numbers")) {
            assertThat(json.at(pointer.asText()).isIntegralNumber()).as(pointer.asText() + " must be an integer in " + context).isTrue();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(expect, "headers"); it.hasNext(); ) {
            var e = it.next();
            assertThat(response.header(e.getKey())).as(e.getKey() + " header in " + context).startsWith(e.getValue().asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(step, "capture"); it.hasNext(); ) {
            var e = it.next();
            JsonNode value = json.at(e.getValue().asText());
            assertThat(value.isMissingNode()).as("capture " + e.getValue().asText() + " from " + context).isFalse();
            vars.put(e.getKey(), value.asText());
        }
    }

    private static String substitute(String text, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) throw new AssertionError("no captured value for ${" + m.group(1) + "}");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode node, String name) {
        return node.has(name) ? node.get(name).fields() : java.util.Collections.emptyIterator();
    }

    private static Iterable<JsonNode> list(JsonNode node, String name) {
        return node.has(name) ? node.get(name) : List.of();
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node.has(field) ? node.get(field).asText() : fallback;
    }

    private static JsonNode load(String resource) {
        try (InputStream in = Replay.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no test resource " + resource);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
