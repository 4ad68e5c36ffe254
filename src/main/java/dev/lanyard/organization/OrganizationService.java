package dev.lanyard.organization;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating organizations and changing their settings (user provisioning on or off, the username
 * change policy). One method, one transaction.
 */
public final class OrganizationService {
    private final Transactions tx;
    private final java.util.List<java.util.function.Consumer<UUID>> provisioningListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final OrganizationStore store = new OrganizationStore();

    public OrganizationService(Transactions tx) {
        this.tx = tx;
    }

    public Organization create(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) throw new DomainException.Invalid("an organization needs a name");
        if (trimmed.length() > Organization.MAX_NAME_LENGTH) {
            throw new DomainException.Invalid("an organization name has at most " + Organization.MAX_NAME_LENGTH + " characters");
        }
        if (trimmed.chars().anyMatch(ch -> Character.isISOControl(ch) || ch == '/')) {
            // "/" would make the name unusable in admin API paths (and so on the command line).
            throw new DomainException.Invalid("an organization name cannot contain \"/\" or control characters");
        }
        var org = new Organization(UUID.randomUUID(), trimmed, false, UsernameChangePolicy.NEW_ACCOUNT, Instant.now().truncatedTo(ChronoUnit.MICROS));
        try {
            tx.inTransaction(c -> {
                store.insert(c, org);
                // Only the operator creates organizations (admin API, CLI, the operator's console).
                AuditTrail.record(c, org.id(), Actor.OPERATOR, AuditAction.ORGANIZATION_CREATED, AuditTrail.Target.NONE,
                        AuditTrail.detail("name", trimmed));
                return null;
            });
        } catch (UniqueViolation e) {
            throw new DomainException.Conflict("an organization named \"" + trimmed + "\" already exists");
        }
        return org;
    }

    public List<Organization> list() {
        return tx.read(store::list);
    }

    /** By id or by name, as operators type either on the command line. */
    public Organization get(String idOrName) {
        return tx.read(c -> get(c, idOrName));
    }

    /** By id or by name; empty when there is none (the console's sign-in form). */
    public Optional<Organization> find(String idOrName) {
        return tx.read(c -> find(c, idOrName == null ? "" : idOrName.strip()));
    }

    public Optional<Organization> findById(UUID id) {
        return tx.read(c -> store.findById(c, id));
    }

    /** Recorded in the audit trail when it changes anything (saving the same state again records nothing). */
    public Organization setProvisioningEnabled(String idOrName, boolean enabled, Actor actor) {
        Organization changed = tx.inTransaction(c -> {
            Organization org = lock(c, idOrName);
            if (org.provisioningEnabled() == enabled) return org;
            store.setProvisioningEnabled(c, org.id(), enabled);
            AuditTrail.record(c, org.id(), actor, enabled ? AuditAction.PROVISIONING_ENABLED : AuditAction.PROVISIONING_DISABLED,
                    AuditTrail.Target.NONE, AuditTrail.changes(java.util.Map.of("provisioningEnabled", !enabled),
                            java.util.Map.of("provisioningEnabled", enabled)));
            return org.withProvisioningEnabled(enabled);
        });
        provisioningListeners.forEach(l -> l.accept(changed.id()));
        return changed;
    }

    /**
     * Runs {@code listener} with the organization's id after its provisioning was turned on or off
     * here (the SCIM token cache forgets its tokens, so the change applies to the next request).
     */
    public void onProvisioningChanged(java.util.function.Consumer<UUID> listener) {
        provisioningListeners.add(listener);
    }

    /** Applies to the userName changes that arrive from now on; accounts already renamed stay as they are. */
    public Organization setUsernameChangePolicy(String idOrName, UsernameChangePolicy policy, Actor actor) {
        return tx.inTransaction(c -> {
            Organization org = lock(c, idOrName);
            if (org.usernameChangePolicy() == policy) return org;
            store.setUsernameChangePolicy(c, org.id(), policy);
            AuditTrail.record(c, org.id(), actor, AuditAction.SETTINGS_CHANGED, AuditTrail.Target.NONE,
                    AuditTrail.changes(java.util.Map.of("usernameChangePolicy", org.usernameChangePolicy().dbValue()),
                            java.util.Map.of("usernameChangePolicy", policy.dbValue())));
            return org.withUsernameChangePolicy(policy);
        });
    }

    /** The organization, its row locked: two admins saving at once record two true before/after pairs. */
    private Organization lock(Connection c, String idOrName) throws SQLException {
        Organization org = get(c, idOrName);
        store.lock(c, org.id());
        return store.findById(c, org.id()).orElseThrow();
    }

    private Organization get(Connection c, String idOrName) throws SQLException {
        return find(c, idOrName).orElseThrow(() -> new DomainException.NotFound("no organization \"" + idOrName + "\""));
    }

    Optional<Organization> find(Connection c, String idOrName) throws SQLException {
        Optional<UUID> id = parseUuid(idOrName);
        if (id.isPresent()) {
            Optional<Organization> byId = store.findById(c, id.get());
            if (byId.isPresent()) return byId;
        }
        return store.findByName(c, idOrName);
    }

    public static Optional<UUID> parseUuid(String text) {
        try {
            return text != null && text.length() == 36 ? Optional.of(UUID.fromString(text)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
