package dev.lanyard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.cli.AdminApi.Account;
import dev.lanyard.cli.AdminApi.AccountStatus;
import dev.lanyard.cli.AdminApi.CreatedAdmin;
import dev.lanyard.cli.AdminApi.IssuedToken;
import dev.lanyard.cli.AdminApi.Organization;
import dev.lanyard.cli.AdminApi.TokenInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Client of the admin API ({@code /admin/api/...}, bearer operator token, JSON). Error answers
 * ({@code {"status":"404","detail":"..."}}) become a {@link CliException} carrying {@code detail}.
 */
final class AdminClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_SIZE = 100;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // plain http: skip the h2c upgrade dance
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final ClientOptions.Connection connection;

    AdminClient(ClientOptions.Connection connection) {
        this.connection = connection;
    }

    Organization createOrg(String name) {
        return Organization.from(send("POST", "/orgs", Optional.of(JSON.createObjectNode().put("name", name))));
    }

    List<Organization> listOrgs() {
        return AdminApi.list(send("GET", "/orgs", Optional.empty()), "organizations", Organization::from);
    }

    Organization setProvisioning(String org, boolean enabled) {
        ObjectNode body = JSON.createObjectNode().put("enabled", enabled);
        return Organization.from(send("PUT", "/orgs/" + segment(org) + "/provisioning", Optional.of(body)));
    }

    Organization setUsernamePolicy(String org, AdminApi.UsernamePolicy policy) {
        ObjectNode body = JSON.createObjectNode().put("usernameChangePolicy", policy.wire());
        return Organization.from(send("PATCH", "/orgs/" + segment(org), Optional.of(body)));
    }

    IssuedToken createToken(String org, Optional<String> label) {
        ObjectNode body = JSON.createObjectNode();
        label.ifPresent(l -> body.put("label", l));
        return IssuedToken.from(send("POST", "/orgs/" + segment(org) + "/tokens", Optional.of(body)));
    }

    List<TokenInfo> listTokens(String org) {
        return AdminApi.list(send("GET", "/orgs/" + segment(org) + "/tokens", Optional.empty()), "tokens", TokenInfo::from);
    }

    void revokeToken(String org, String tokenId) {
        send("DELETE", "/orgs/" + segment(org) + "/tokens/" + segment(tokenId), Optional.empty());
    }

    CreatedAdmin createAdmin(String org, String email) {
        ObjectNode body = JSON.createObjectNode().put("email", email);
        return CreatedAdmin.from(send("POST", "/orgs/" + segment(org) + "/admins", Optional.of(body)));
    }

    CreatedAdmin resetAdminPassword(String org, String email) {
        ObjectNode body = JSON.createObjectNode().put("email", email);
        return CreatedAdmin.from(send("POST", "/orgs/" + segment(org) + "/admins/reset-password", Optional.of(body)));
    }

    /** Every matching account, fetched a page at a time. */
    List<Account> listAccounts(String org, Optional<AccountStatus> status) {
        String filter = status.map(s -> "status=" + s.wire() + "&").orElse("");
        List<Account> accounts = new ArrayList<>();
        while (true) {
            JsonNode page = send("GET", "/orgs/" + segment(org) + "/accounts?" + filter
                    + "startIndex=" + (accounts.size() + 1) + "&count=" + PAGE_SIZE, Optional.empty());
            List<Account> items = AdminApi.list(page, "accounts", Account::from);
            accounts.addAll(items);
            // An empty page also ends it, so a total that changes while paging cannot loop forever.
            if (items.isEmpty() || accounts.size() >= page.path("totalResults").asLong(0)) return accounts;
        }
    }

    void deleteAccount(String org, String accountId) {
        send("DELETE", "/orgs/" + segment(org) + "/accounts/" + segment(accountId), Optional.empty());
    }

    /** The organization's SAML settings API ({@code /orgs/{org}/saml...}); the answer as sent. */
    JsonNode saml(String method, String org, String subpath, Optional<JsonNode> body) {
        return send(method, "/orgs/" + segment(org) + "/saml" + subpath, body);
    }

    /**
     * A GET whose answer is copied to {@code out} as it arrives (the audit export): never held
     * in memory whole. An error answer is read (it is small) and thrown as usual.
     */
    void download(String path, java.io.Writer out) {
        URI uri = URI.create(connection.server() + "/admin/api" + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + connection.operatorToken()).GET().build();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    JsonNode json = parse(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
                    throw new CliException(AdminApi.optional(json, "detail").orElse("HTTP " + response.statusCode() + " from GET " + uri));
                }
                new java.io.InputStreamReader(in, StandardCharsets.UTF_8).transferTo(out);
            }
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException("cannot reach the Lanyard server at " + connection.server() + ": is `bin/lanyard serve` running?");
        } catch (IOException e) {
            throw new CliException("GET " + uri + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + connection.server());
        }
    }

    void removeAdmin(String org, String email) {
        send("DELETE", "/orgs/" + segment(org) + "/admins/" + segment(email), Optional.empty());
    }

    /** The parsed body of a 2xx answer ({@link MissingNode} when empty, as for 204). */
    /** Any admin API call, for commands that print the answer as it comes (apps: {@link AppCommand}). */
    JsonNode call(String method, String path, Optional<JsonNode> body) {
        return send(method, path, body);
    }

    private JsonNode send(String method, String path, Optional<JsonNode> body) {
        URI uri = URI.create(connection.server() + "/admin/api" + path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + connection.operatorToken())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, body.map(b -> HttpRequest.BodyPublishers.ofString(b.toString()))
                        .orElseGet(HttpRequest.BodyPublishers::noBody))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException("cannot reach the Lanyard server at " + connection.server() + ": is `bin/lanyard serve` running?");
        } catch (IOException e) {
            throw new CliException(method + " " + uri + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + connection.server());
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new CliException(AdminApi.optional(json, "detail")
                    .orElse("HTTP " + response.statusCode() + " from " + method + " " + uri));
        }
        return json;
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) return MissingNode.getInstance();
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // A proxy's HTML error page, say: the caller reports the status code instead.
            return MissingNode.getInstance();
        }
    }

    /** One path segment: names may hold spaces or other characters that mean something in a URL. */
    static String segment(String value) {
        // URLEncoder is for forms: '+' means a space only there, so spell the space as %20.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
