package dev.lanyard.token;

import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SCIM bearer tokens: issued once (the secret leaves here and is never seen again), listed,
 * revoked. Several may be active at once, so an admin can rotate without downtime: issue a new
 * one, move the IdP to it, revoke the old one.
 */
public final class TokenService {
    static final String SCIM_PREFIX = "lanyard_scim_";

    private final Transactions tx;
    private final TokenStore store = new TokenStore();

    public TokenService(Transactions tx) {
        this.tx = tx;
    }

    /** @param createdBy {@link ProvisioningToken#OPERATOR} or the issuing console admin's email */
    public ProvisioningToken.Issued issue(UUID orgId, String label, String createdBy) {
        String cleanLabel = label == null ? "" : label.strip();
        if (cleanLabel.length() > ProvisioningToken.MAX_LABEL_LENGTH) {
            throw new DomainException.Invalid("a token label has at most " + ProvisioningToken.MAX_LABEL_LENGTH + " characters");
        }
        String secret = Secrets.generate(SCIM_PREFIX);
        var token = new ProvisioningToken(UUID.randomUUID(), orgId, cleanLabel, createdBy,
                Instant.now().truncatedTo(ChronoUnit.MICROS), Optional.empty());
        tx.inTransaction(c -> {
            store.insert(c, token, Secrets.hash(secret));
            return null;
        });
        return new ProvisioningToken.Issued(token, secret);
    }

    public List<ProvisioningToken> listActive(UUID orgId) {
        return tx.read(c -> store.listActive(c, orgId));
    }

    public void revoke(UUID orgId, UUID tokenId) {
        boolean revoked = tx.inTransaction(c -> store.revoke(c, orgId, tokenId));
        if (!revoked) throw new DomainException.NotFound("no active token " + tokenId + " in this organization");
    }

    /** The labels of the organization's tokens among {@code ids}, revoked ones included; one query, none for no ids. */
    public Map<UUID, String> labels(UUID orgId, Collection<UUID> ids) {
        return ids.isEmpty() ? Map.of() : tx.read(c -> store.labels(c, orgId, ids));
    }

    /**
     * The holder of a bearer secret, if it is a live SCIM token. Records nothing: the caller
     * {@link #recordUse}s it once the token was accepted where it was used, so a token sent to
     * another organization's URL does not look used (its "last used" would mislead the admin).
     */
    public Optional<ProvisioningToken.Holder> authenticate(String secret) {
        if (secret == null || !secret.startsWith(SCIM_PREFIX)) return Optional.empty();
        byte[] hash = Secrets.hash(secret);
        return tx.read(c -> store.findHolder(c, hash));
    }

    /** "Last used" of the token: now (written at most once a minute). */
    public void recordUse(ProvisioningToken.Holder holder) {
        tx.inTransaction(c -> {
            store.touch(c, holder.tokenId());
            return null;
        });
    }

    /** Whether the token is still live and its organization still has provisioning enabled (a long /Bulk re-checks). */
    public boolean stillValid(ProvisioningToken.Holder holder) {
        return tx.read(c -> store.stillValid(c, holder.tokenId()));
    }
}
