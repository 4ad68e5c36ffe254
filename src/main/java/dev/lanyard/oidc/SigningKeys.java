package dev.lanyard.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.Transactions;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ID token signing keys (RS256, RSA 2048), in oidc_signing_keys so every server signs with
 * the same key and publishes the same JWKS. The private JWK is sealed with AES-256-GCM under the
 * installation secret {@code oidc-signing-key-seal} from server_secrets (the key id is the
 * associated data, so a sealed key cannot be moved to another row).
 *
 * <p>Rotation (OIDC Core §10.1.1): a new key is published in the JWKS at once but signs only from
 * {@code active_from} (by default an hour later), so relying parties that cache the JWKS have it
 * before the first token signed with it; the old key signs until then and stays published for the
 * longest ID token lifetime after, so every token it signed can still be verified.
 */
public final class SigningKeys {
    /** ID tokens live as long as the app's access tokens: at most a day. */
    static final Duration LONGEST_ID_TOKEN = Duration.ofDays(1);
    public static final Duration DEFAULT_PUBLISH_AHEAD = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transactions tx;
    private final byte[] sealKey;
    private final Clock clock;
    private final Map<String, RSAKey> opened = new ConcurrentHashMap<>();

    public SigningKeys(Transactions tx, byte[] sealKey, Clock clock) {
        this.tx = tx;
        this.sealKey = sealKey.clone();
        this.clock = clock;
    }

    /** A key as the operator sees it (never the private part). */
    public record KeyInfo(String kid, String algorithm, Instant createdAt, Instant activeFrom, Optional<Instant> retiredAt) {}

    private record Row(String kid, String publicJwk, byte[] sealed, Instant createdAt, Instant activeFrom, Optional<Instant> retiredAt) {}

    /** The key that signs now; the very first one is made on first use, active at once (nobody can have cached a JWKS yet). */
    RSAKey current() {
        Instant now = clock.instant();
        Optional<Row> row = tx.read(c -> active(c, now));
        if (row.isEmpty()) {
            row = tx.inTransaction(c -> {
                Sql.find(c, "select pg_advisory_xact_lock(hashtext('oidc_signing_keys'))", rs -> true);
                Optional<Row> again = active(c, now);
                if (again.isPresent()) return again;
                if (Sql.find(c, "select 1 from oidc_signing_keys limit 1", rs -> true).isPresent()) {
                    throw new IllegalStateException("no signing key is active now (every key is retired or not active yet)");
                }
                insert(c, now, now);
                return active(c, now);
            });
        }
        return open(row.orElseThrow());
    }

    /** Every key a relying party may meet: published from creation until the longest ID token after its retirement. */
    public JWKSet published() {
        Instant now = clock.instant();
        List<Row> rows = tx.read(c -> Sql.list(c, "select * from oidc_signing_keys where retired_at is null or retired_at > ? "
                + "order by active_from desc", SigningKeys::row, now.minus(LONGEST_ID_TOKEN)));
        return new JWKSet(rows.stream().map(r -> (com.nimbusds.jose.jwk.JWK) open(r).toPublicJWK()).toList());
    }

    public List<KeyInfo> list() {
        return tx.read(c -> Sql.list(c, "select * from oidc_signing_keys order by active_from desc", SigningKeys::row))
                .stream().map(r -> new KeyInfo(r.kid(), JWSAlgorithm.RS256.getName(), r.createdAt(), r.activeFrom(), r.retiredAt())).toList();
    }

    /** Publishes a new key now that signs from {@code now + publishAhead}; the keys before it retire then. */
    public KeyInfo rotate(Duration publishAhead) {
        if (publishAhead.isNegative() || publishAhead.compareTo(Duration.ofDays(7)) > 0) {
            throw new dev.lanyard.domain.DomainException.Invalid("publishAheadSeconds must be between 0 and 604800");
        }
        Instant now = clock.instant();
        Instant from = now.plus(publishAhead);
        String kid = tx.inTransaction(c -> {
            Sql.find(c, "select pg_advisory_xact_lock(hashtext('oidc_signing_keys'))", rs -> true);
            Sql.update(c, "update oidc_signing_keys set retired_at = ? where retired_at is null or retired_at > ?", from, from);
            return insert(c, now, from);
        });
        return list().stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    }

    private Optional<Row> active(Connection c, Instant now) throws SQLException {
        return Sql.find(c, "select * from oidc_signing_keys where active_from <= ? and (retired_at is null or retired_at > ?) "
                + "order by active_from desc limit 1", SigningKeys::row, now, now);
    }

    private String insert(Connection c, Instant createdAt, Instant activeFrom) throws SQLException {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        Sql.update(c, "insert into oidc_signing_keys (kid, algorithm, public_jwk, sealed_jwk, created_at, active_from) values (?, ?, ?, ?, ?, ?)",
                key.getKeyID(), "RS256", key.toPublicJWK().toJSONString(), seal(key.getKeyID(), key.toJSONString()), createdAt, activeFrom);
        return key.getKeyID();
    }

    private RSAKey open(Row row) {
        return opened.computeIfAbsent(row.kid(), kid -> {
            try {
                return RSAKey.parse(unseal(kid, row.sealed()));
            } catch (ParseException e) {
                throw new IllegalStateException("signing key " + kid + " cannot be read", e);
            }
        });
    }

    private byte[] seal(String kid, String jwk) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(jwk.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String unseal(String kid, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be unsealed (another installation's secret?)", e);
        }
    }

    private static Row row(java.sql.ResultSet rs) throws SQLException {
        return new Row(rs.getString("kid"), rs.getString("public_jwk"), rs.getBytes("sealed_jwk"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "active_from"), Sql.optionalInstant(rs, "retired_at"));
    }
}
