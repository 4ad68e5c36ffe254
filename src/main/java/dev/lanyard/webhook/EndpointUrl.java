package dev.lanyard.webhook;

import dev.lanyard.domain.DomainException;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The rules for an endpoint URL, checked when it is set: absolute https (http only for a loopback
 * host, and only when the operator allows private addresses: a local test receiver), no user
 * info or fragment, at most 2000 characters, and a host that resolves to addresses webhooks may
 * go to ({@link Sender#resolve}; checked again at every attempt, since DNS answers change).
 */
final class EndpointUrl {
    static final int MAX_LENGTH = 2000;

    private EndpointUrl() {}

    static String check(String url, Sender sender, boolean allowPrivate) {
        if (url == null || url.isBlank()) throw new DomainException.Invalid("url is required: where the app receives its webhooks (https://...)");
        url = url.strip();
        if (url.length() > MAX_LENGTH) throw new DomainException.Invalid("url is longer than " + MAX_LENGTH + " characters");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new DomainException.Invalid("url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.isOpaque()) {
            throw new DomainException.Invalid("url must be an absolute https:// URL with a host, got " + url);
        }
        if (uri.getRawUserInfo() != null) throw new DomainException.Invalid("url must not carry a user name or password");
        if (uri.getRawFragment() != null) throw new DomainException.Invalid("url must not have a #fragment");
        if (!uri.getScheme().equals(scheme)) {
            throw new DomainException.Invalid("url must start with " + scheme + ":// in lower case");
        }
        if (scheme.equals("http") && !allowPrivate) throw httpRefused();
        InetAddress address;
        try {
            address = sender.resolve(uri.getHost());
        } catch (Sender.Refused e) {
            throw new DomainException.Invalid("url " + e.getMessage());
        }
        if (scheme.equals("http") && !address.isLoopbackAddress()) throw httpRefused();
        return uri.toString();
    }

    private static DomainException.Invalid httpRefused() {
        return new DomainException.Invalid("url must use https:// (http:// is accepted only for a loopback host, and only when "
                + "the operator allows private addresses with LANYARD_WEBHOOKS_ALLOW_PRIVATE)");
    }
}
