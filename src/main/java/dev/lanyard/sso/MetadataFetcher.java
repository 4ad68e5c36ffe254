package dev.lanyard.sso;

import dev.lanyard.domain.DomainException;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Fetches an IdP's metadata from its URL, only when an admin asks for it (never in the
 * background). Bounded: 5 s to connect, 10 s in all, {@link SafeXml#MAX_BYTES}, no redirects.
 * Guarded against server-side request forgery (docs/saml.md): the host is resolved once, every
 * address it resolves to must be public (no loopback, private, link-local such as the cloud
 * metadata service 169.254.169.254, unique-local, carrier-grade NAT, multicast or reserved
 * ranges), and the request is sent to that checked address ({@link PinnedGet}) with the host name
 * only in the Host header, SNI and the certificate check. A DNS answer that changes between the
 * check and the connection (rebinding) therefore cannot move the request anywhere else.
 */
public final class MetadataFetcher {
    static final Duration CONNECT = Duration.ofSeconds(5);
    static final Duration TOTAL = Duration.ofSeconds(10);

    /** Resolves a host name to its addresses (the system resolver; tests give their own). */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Predicate<InetAddress> allowed;
    private final Resolver resolver;
    private final Duration total;

    /** Only public addresses: what a running server uses. */
    public static MetadataFetcher publicOnly() {
        return new MetadataFetcher(MetadataFetcher::isPublic, InetAddress::getAllByName, TOTAL);
    }

    MetadataFetcher(Predicate<InetAddress> allowed, Resolver resolver, Duration total) {
        this.allowed = allowed;
        this.resolver = resolver;
        this.total = total;
    }

    byte[] fetch(String url) {
        URI uri;
        try {
            uri = URI.create(SamlSettingsService.checkUrl(url, "the metadata URL"));
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("the metadata URL is not a URL: " + e.getMessage());
        }
        InetAddress target = resolveOnce(uri.getHost());
        try {
            PinnedGet.Response response = PinnedGet.get(uri, target,
                    List.of("application/samlmetadata+xml", "application/xml", "text/xml"), CONNECT, total, SafeXml.MAX_BYTES);
            if (response.status() != 200) {
                throw new DomainException.Invalid("the metadata URL answered HTTP " + response.status() + " (redirects are not followed)");
            }
            return response.body();
        } catch (PinnedGet.TooLarge e) {
            throw new DomainException.Invalid("the metadata is larger than " + SafeXml.MAX_BYTES + " bytes");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new DomainException.Invalid("the metadata URL did not answer within " + total.toSeconds() + " seconds");
        } catch (IOException e) {
            throw new DomainException.Invalid("the metadata could not be fetched: " + e.getMessage());
        }
    }

    /** The one resolution: every address must be allowed (none may be private), and the first is used. */
    private InetAddress resolveOnce(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new DomainException.Invalid("the metadata URL's host " + host + " is unknown");
        }
        if (addresses.length == 0) throw new DomainException.Invalid("the metadata URL's host " + host + " is unknown");
        for (InetAddress a : addresses) {
            if (!allowed.test(a)) {
                throw new DomainException.Invalid("the metadata URL's host " + host + " resolves to "
                        + a.getHostAddress() + ", a private or local address; Lanyard only fetches from public addresses "
                        + "(paste or upload the XML instead)");
            }
        }
        return addresses[0];
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) return false;
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return false;  // fc00::/7 unique local (AWS's fd00:ec2::254 metadata)
            // 64:ff9b::/96 (RFC 6052 NAT64) and ::/96 (IPv4-compatible) carry an IPv4 address: judge that one.
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            boolean compatible = true;
            for (int i = 0; i < 12; i++) compatible &= b[i] == 0;
            boolean zeroTo7 = true;
            for (int i = 4; i < 12; i++) zeroTo7 &= b[i] == 0;
            if ((nat64 && zeroTo7) || compatible) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        int first = b[0] & 0xff, second = b[1] & 0xff;
        if (first == 0 || first >= 240) return false;                      // "this network", reserved, broadcast
        if (first == 100 && second >= 64 && second < 128) return false;    // 100.64/10 carrier-grade NAT
        if (first == 192 && second == 0 && (b[2] & 0xff) == 0) return false; // 192.0.0/24 protocol assignments
        if (first == 198 && (second == 18 || second == 19)) return false;  // benchmarking
        return true;
    }
}
