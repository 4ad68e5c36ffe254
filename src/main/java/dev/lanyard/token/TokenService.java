package dev.lanyard.token;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
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
    private final TokenCache cache = new TokenCache(System::nanoTime);

    public TokenService(Transactions tx) {
        this.tx = tx;
    }

    /**
     * @param createdBy {@link ProvisioningToken#OPERATOR} or the issuing console admin's email
     * @param actor     who issues it, for the audit trail
     */
    public ProvisioningToken.Issued issue(UUID orgId, String label, String createdBy, Actor actor) {
        String cleanLabel = label == null ? "" : label.strip();
        if (cleanLabel.length() > ProvisioningToken.MAX_LABEL_LENGTH) {
            throw new DomainException.Invalid("a token label has at most " + ProvisioningToken.MAX_LABEL_LENGTH + " characters");
        }
        String secret = Secrets.generate(SCIM_PREFIX);
        var token = new ProvisioningToken(UUID.randomUUID(), orgId, cleanLabel, createdBy,
                Instant.now().truncatedTo(ChronoUnit.MICROS), Optional.empty(),
                secret.substring(0, SCIM_PREFIX.length() + ProvisioningToken.PREFIX_RANDOM_CHARS));
        tx.inTransaction(c -> {
            store.insert(c, token, Secrets.hash(secret));
            AuditTrail.record(c, orgId, actor, AuditAction.TOKEN_ISSUED, target(token), AuditTrail.detail());
            return null;
        });
        return new ProvisioningToken.Issued(token, secret);
    }

    public List<ProvisioningToken> listActive(UUID orgId) {
        return tx.read(c -> store.listActive(c, orgId));
    }

    /** An active token of the organization by id. */
    public Optional<ProvisioningToken> findActive(UUID orgId, UUID tokenId) {
        return tx.read(c -> store.listActive(c, orgId)).stream().filter(t -> t.id().equals(tokenId)).findFirst();
    }

    /**
     * Whether {@code secret} is the secret of this active token of the organization: the console's
     * one-time view checks the secret it carries back from the browser before it shows it.
     */
    public boolean isSecretOf(UUID orgId, UUID tokenId, String secret) {
        if (secret == null || !secret.startsWith(SCIM_PREFIX)) return false;
        return tx.read(c -> store.findHolder(c, Secrets.hash(secret)))
                .filter(h -> h.tokenId().equals(tokenId) && h.orgId().equals(orgId)).isPresent();
    }

    /**
     * How people tell these tokens apart: {@code SCIM token "okta" (lanyard_scim_Q2hx4kZp…)}, for
     * the provisioning log and histories. Revoked tokens are named too; unknown ids are left out.
     */
    public Map<UUID, String> describe(UUID orgId, Collection<UUID> ids) {
        if (ids.isEmpty()) return Map.of();
        Map<UUID, String> names = new java.util.HashMap<>();
        for (ProvisioningToken t : tx.read(c -> store.findAll(c, orgId, ids))) names.put(t.id(), t.description());
        return names;
    }

    public void revoke(UUID orgId, UUID tokenId, Actor actor) {
        tx.inTransaction(c -> {
            if (!store.revoke(c, orgId, tokenId)) throw new DomainException.NotFound("no active token " + tokenId + " in this organization");
            for (ProvisioningToken t : store.findAll(c, orgId, List.of(tokenId))) {
                AuditTrail.record(c, orgId, actor, AuditAction.TOKEN_REVOKED, target(t), AuditTrail.detail());
            }
            return null;
        });
        cache.forget(tokenId);
    }

    /** A token as the audit trail names it: its id, label and first characters (never the secret). */
    private static AuditTrail.Target target(ProvisioningToken t) {
        return AuditTrail.Target.of("token", t.id(), t.description());
    }

    /**
     * The holder of a bearer secret, if it is a live SCIM token. Its "last used" is recorded in
     * the same statement, but only when the token belongs to {@code usedAt}, the organization
     * whose URL it was sent to: a token tried at another organization's URL is refused there and
     * must not look used to its own admin.
     *
     * <p>A token the database confirmed less than {@link TokenCache#TTL} ago is answered from
     * memory, without a transaction; revoking it (or turning provisioning off) through another
     * server takes effect within that bound, through this one at once ({@link TokenCache}).
     */
    public Optional<ProvisioningToken.Holder> authenticate(String secret, Optional<UUID> usedAt) {
        if (secret == null || !secret.startsWith(SCIM_PREFIX)) return Optional.empty();
        byte[] hash = Secrets.hash(secret);
        Optional<ProvisioningToken.Holder> cached = cache.find(hash, usedAt);
        if (cached.isPresent()) return cached;
        Optional<ProvisioningToken.Holder> holder = tx.autocommit(c -> store.findHolderAndTouch(c, hash, usedAt.orElse(null)));
        cache.put(hash, holder, usedAt);
        return holder;
    }

    /** Forgets the organization's verified tokens at once: its provisioning was turned on or off. */
    public void forgetOrganization(UUID orgId) {
        cache.forgetOrganization(orgId);
    }

    /** Whether the token is still live and its organization still has provisioning enabled (a long /Bulk re-checks). */
    public boolean stillValid(ProvisioningToken.Holder holder) {
        return tx.read(c -> store.stillValid(c, holder.tokenId()));
    }
}
