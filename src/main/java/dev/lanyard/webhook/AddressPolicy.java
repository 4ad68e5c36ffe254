package dev.lanyard.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which addresses a webhook may be sent to: a guard against server-side request forgery (an org
 * admin pointing an endpoint at Lanyard's own network). Every address that is not globally
 * reachable unicast is refused unless the operator allows private addresses
 * ({@code LANYARD_WEBHOOKS_ALLOW_PRIVATE}): the ranges of the IANA special-purpose registries
 * (RFC 6890) that matter here, and IPv6 forms that carry an IPv4 address inside (mapped, NAT64,
 * 6to4) are judged by that IPv4 address.
 */
public final class AddressPolicy {
    private static final String METADATA = "the cloud metadata service";

    private AddressPolicy() {}

    /**
     * Why {@code a} may not receive webhooks, or empty when it may. {@code allowPrivate} (the
     * operator's setting) lets every refused address through except the cloud metadata services,
     * which are never a webhook receiver and hold the host's credentials.
     */
    public static Optional<String> refusal(InetAddress a, boolean allowPrivate) {
        Optional<String> why = classify(a);
        if (allowPrivate && why.isPresent() && !why.get().contains(METADATA)) return Optional.empty();
        return why;
    }

    /** Why {@code a} is not a public unicast address, or empty when it is. */
    static Optional<String> classify(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) return ipv4(b);
        if (a instanceof Inet6Address) return ipv6(b);
        return Optional.of("not an IP address");
    }

    private static Optional<String> ipv4(byte[] b) {
        int o0 = b[0] & 0xff, o1 = b[1] & 0xff, o2 = b[2] & 0xff, o3 = b[3] & 0xff;
        if (o0 == 169 && o1 == 254 && o2 == 169 && o3 == 254) return why(METADATA + " (169.254.169.254)");
        if (o0 == 0) return why("\"this network\" (0.0.0.0/8)");
        if (o0 == 127) return why("loopback (127.0.0.0/8)");
        if (o0 == 10) return why("private (10.0.0.0/8)");
        if (o0 == 172 && (o1 & 0xf0) == 16) return why("private (172.16.0.0/12)");
        if (o0 == 192 && o1 == 168) return why("private (192.168.0.0/16)");
        if (o0 == 169 && o1 == 254) return why("link-local (169.254.0.0/16)");
        if (o0 == 100 && (o1 & 0xc0) == 64) return why("carrier-grade NAT (100.64.0.0/10)");
        if (o0 == 192 && o1 == 0 && o2 == 0) return why("IETF protocol assignments (192.0.0.0/24)");
        if (o0 == 192 && o1 == 0 && o2 == 2 || o0 == 198 && o1 == 51 && o2 == 100 || o0 == 203 && o1 == 0 && o2 == 113) {
            return why("documentation (TEST-NET)");
        }
        if (o0 == 198 && (o1 & 0xfe) == 18) return why("benchmarking (198.18.0.0/15)");
        if (o0 == 192 && o1 == 88 && o2 == 99) return why("6to4 relay anycast (192.88.99.0/24)");
        if (o0 >= 224 && o0 <= 239) return why("multicast (224.0.0.0/4)");
        if (o0 >= 240) return why("reserved or broadcast (240.0.0.0/4)");
        return Optional.empty();
    }

    private static Optional<String> ipv6(byte[] b) {
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) return embedded(b, 12, "IPv4-mapped");
        if (isZero(b, 0, 16)) return why("unspecified (::)");
        if (isZero(b, 0, 15) && b[15] == 1) return why("loopback (::1)");
        if (isZero(b, 0, 12)) return why("IPv4-compatible (::/96, deprecated)");
        int w0 = (b[0] & 0xff) << 8 | b[1] & 0xff;
        int w1 = (b[2] & 0xff) << 8 | b[3] & 0xff;
        // fd00:ec2::254, AWS's metadata service over IPv6 (inside fc00::/7 too, named for the message)
        if (w0 == 0xfd00 && w1 == 0x0ec2 && isZero(b, 4, 14) && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54) {
            return why(METADATA + " (fd00:ec2::254)");
        }
        if ((w0 & 0xfe00) == 0xfc00) return why("unique local (fc00::/7)");
        if ((w0 & 0xffc0) == 0xfe80) return why("link-local (fe80::/10)");
        if ((w0 & 0xffc0) == 0xfec0) return why("site-local (fec0::/10)");
        if ((w0 & 0xff00) == 0xff00) return why("multicast (ff00::/8)");
        if (w0 == 0x0064 && w1 == 0xff9b) return embedded(b, 12, "NAT64");             // 64:ff9b::/96 and 64:ff9b:1::/48
        if (w0 == 0x2002) return embedded(b, 2, "6to4");                              // 2002::/16 carries an IPv4 address
        if (w0 == 0x2001 && w1 == 0x0db8) return why("documentation (2001:db8::/32)");
        if (w0 == 0x2001 && w1 == 0) return why("Teredo (2001::/32)");
        if (w0 == 0x0100 && w1 == 0 && isZero(b, 4, 8)) return why("discard-only (100::/64)");
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] b, int offset, String form) {
        try {
            InetAddress v4 = InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
            return ipv4(v4.getAddress()).map(r -> form + " " + v4.getHostAddress() + ", " + r);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static Optional<String> why(String what) {
        return Optional.of(what);
    }
}
