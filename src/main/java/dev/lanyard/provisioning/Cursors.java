package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.http.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * RFC 9865 cursors: opaque to clients, to us the position after the last row of a page plus a
 * fingerprint of the query they belong to, signed with the installation's key. A cursor is
 * therefore valid on any server of this installation and after restarts, never expires (it holds
 * a position, not server state), and a forged or foreign one is refused as {@code invalidCursor}
 * before anything reaches SQL.
 *
 * <pre>eyJzIjo0MiwidiI6ImFubkBleGFtcGxlLmNvbSIsImYiOiI5ZjNhIn0.q3lVr0Jc8nKQmI2q6cQ6BQ</pre>
 * Only RFC 3986 unreserved characters (base64url and a dot), as RFC 9865 §2 requires.
 */
final class Cursors {
    static final String INVALID_CURSOR = "invalidCursor";
    static final String INVALID_COUNT = "invalidCount";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;

    Cursors(byte[] key) {
        this.key = key.clone();
    }

    String encode(AccountQuery.Position position, String fingerprint) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("s", position.seq());
        position.sortValue().ifPresentOrElse(v -> body.put("v", v), () -> body.putNull("v"));
        body.put("f", fingerprint);
        byte[] payload = body.toString().getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(payload) + "." + B64.encodeToString(sign(payload));
    }

    /** The position a cursor names; empty text means the first page. */
    Optional<AccountQuery.Position> decode(String cursor, String fingerprint) throws BadRequestException {
        if (cursor == null || cursor.isEmpty()) return Optional.empty();
        int dot = cursor.indexOf('.');
        byte[] payload;
        byte[] signature;
        try {
            if (dot < 0) throw new IllegalArgumentException("no signature");
            payload = B64D.decode(cursor.substring(0, dot));
            signature = B64D.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid("the cursor is not one this server issued; start again with an empty cursor");
        }
        if (!MessageDigest.isEqual(sign(payload), signature)) {
            throw invalid("the cursor is not one this server issued; start again with an empty cursor");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw invalid("the cursor is damaged; start again with an empty cursor");
        }
        if (!fingerprint.equals(body.path("f").asText())) {
            throw invalid("the cursor belongs to another query: send the same filter, sortBy and sortOrder as the "
                    + "request that returned it");
        }
        JsonNode v = body.get("v");
        return Optional.of(new AccountQuery.Position(v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText()),
                body.path("s").asLong()));
    }

    /** Identifies a query (everything but the cursor and count) so cursors cannot cross queries. */
    static String fingerprint(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update((p == null ? "\u0000" : p).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return B64.encodeToString(sha.digest()).substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] full = mac.doFinal(payload);
            return java.util.Arrays.copyOf(full, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static BadRequestException invalid(String detail) {
        return new BadRequestException(detail, INVALID_CURSOR);
    }
}
