package dev.lanyard.oidc;

import dev.lanyard.domain.DomainException;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The rules for an app's redirect URIs, checked when the operator registers them: absolute, no
 * fragment (RFC 6749 §3.1.2), https, or http only to a loopback address (RFC 8252 §7.3: a native
 * app's local listener; nothing else may receive codes in the clear). At the authorization
 * endpoint they are then compared exactly, never by prefix, so no open redirect is possible.
 */
final class RedirectUris {
    static final int MAX_COUNT = 20;
    static final int MAX_LENGTH = 2000;

    private RedirectUris() {}

    static List<String> validate(List<String> uris) {
        if (uris.isEmpty()) throw new DomainException.Invalid("redirectUris needs at least one URI");
        if (uris.size() > MAX_COUNT) throw new DomainException.Invalid("at most " + MAX_COUNT + " redirectUris");
        var out = new LinkedHashSet<String>();
        for (String uri : uris) out.add(validate(uri));
        return List.copyOf(out);
    }

    static String validate(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            throw new DomainException.Invalid("a redirect URI must be 1 to " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new DomainException.Invalid("\"" + text + "\" is not a URI: " + e.getReason());
        }
        if (!uri.isAbsolute() || uri.getHost() == null) throw new DomainException.Invalid("\"" + text + "\" must be an absolute URI with a host");
        if (uri.getRawFragment() != null || text.contains("#")) throw new DomainException.Invalid("\"" + text + "\" must not have a fragment (RFC 6749 §3.1.2)");
        if (uri.getRawUserInfo() != null) throw new DomainException.Invalid("\"" + text + "\" must not carry user information");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) return text;
        if (scheme.equals("http") && loopback(uri.getHost())) return text;
        throw new DomainException.Invalid("\"" + text + "\" must use https (http only for a loopback address: 127.0.0.1, [::1], localhost)");
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) return true;
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        // Only literal addresses: a name other than localhost would need a DNS look-up to judge.
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) return false;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
