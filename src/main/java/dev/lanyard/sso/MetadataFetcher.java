package dev.lanyard.sso;

import dev.lanyard.domain.DomainException;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Fetches an IdP's metadata from its URL, only when an admin asks for it (never in the
 * background). Bounded: 5 s to connect, 10 s in all, {@link SafeXml#MAX_BYTES}, no redirects.
 * Guarded against server-side request forgery: the host must resolve only to public addresses,
 * so an admin cannot make Lanyard read its own loopback, the cloud metadata service
 * (169.254.169.254) or the internal network. A DNS answer that changes between the check and the
 * connection (rebinding) is not ruled out; the answer is parsed as metadata or refused either way,
 * so nothing but "is it valid metadata" leaks back.
 */
public final class MetadataFetcher {
    private final Predicate<InetAddress> allowed;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    /** Only public addresses: what a running server uses. */
    public static MetadataFetcher publicOnly() {
        return new MetadataFetcher(MetadataFetcher::isPublic);
    }

    MetadataFetcher(Predicate<InetAddress> allowed) {
        this.allowed = allowed;
    }

    byte[] fetch(String url) {
        URI uri;
        try {
            uri = URI.create(SamlSettingsService.checkUrl(url, "the metadata URL"));
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("the metadata URL is not a URL: " + e.getMessage());
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (!allowed.test(a)) {
                    throw new DomainException.Invalid("the metadata URL's host " + uri.getHost() + " resolves to "
                            + a.getHostAddress() + ", a private or local address; Lanyard only fetches from public addresses "
                            + "(paste or upload the XML instead)");
                }
            }
        } catch (UnknownHostException e) {
            throw new DomainException.Invalid("the metadata URL's host " + uri.getHost() + " is unknown");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/samlmetadata+xml, application/xml, text/xml").GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new DomainException.Invalid("the metadata URL answered HTTP " + response.statusCode() + " (redirects are not followed)");
                }
                byte[] bytes = body.readNBytes(SafeXml.MAX_BYTES + 1);
                if (bytes.length > SafeXml.MAX_BYTES) throw new DomainException.Invalid("the metadata is larger than " + SafeXml.MAX_BYTES + " bytes");
                return bytes;
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new DomainException.Invalid("the metadata URL did not answer within 10 seconds");
        } catch (IOException e) {
            throw new DomainException.Invalid("the metadata could not be fetched: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException.Invalid("the metadata fetch was interrupted");
        }
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) return false;
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7 unique local
        }
        int first = b[0] & 0xff, second = b[1] & 0xff;
        if (first == 0 || first >= 240) return false;                      // "this network", reserved, broadcast
        if (first == 100 && second >= 64 && second < 128) return false;    // 100.64/10 carrier-grade NAT
        if (first == 192 && second == 0 && (b[2] & 0xff) == 0) return false; // 192.0.0/24 protocol assignments
        if (first == 198 && (second == 18 || second == 19)) return false;  // benchmarking
        return true;
    }
}
