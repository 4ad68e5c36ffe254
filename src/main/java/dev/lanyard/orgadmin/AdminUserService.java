package dev.lanyard.orgadmin;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Creating organization admins for the console; the operator's side of it (admin API, CLI). */
public final class AdminUserService {
    /** An admin just created, with the one-time password: the only moment it exists in clear. */
    public record Created(AdminUser admin, String password) {}

    private final Transactions tx;
    private final AdminUserStore store = new AdminUserStore();
    private final SessionStore sessions = new SessionStore();

    public AdminUserService(Transactions tx) {
        this.tx = tx;
    }

    /** A new admin of the organization with a random password; 409 when the email is already one. */
    public Created create(UUID orgId, String email, Actor actor) {
        String clean = AdminUser.checkEmail(email);
        String password = Passwords.generate();
        // Hashed before the transaction opens: bcrypt is slow on purpose, a connection is not.
        String hash = Passwords.hash(password);
        var admin = new AdminUser(UUID.randomUUID(), orgId, clean, Instant.now().truncatedTo(ChronoUnit.MICROS));
        try {
            tx.inTransaction(c -> {
                store.insert(c, admin, hash);
                AuditTrail.record(c, orgId, actor, AuditAction.ADMIN_CREATED, target(admin), AuditTrail.detail());
                return null;
            });
        } catch (UniqueViolation e) {
            throw new DomainException.Conflict(clean + " is already an admin of this organization");
        }
        return new Created(admin, password);
    }

    /** An admin as the operator's console lists them: still holding a one-time password, or one of their own. */
    public record Listed(AdminUser admin, boolean oneTimePassword) {}

    /** The organization's admins by email, at most {@code limit}. */
    public List<Listed> list(UUID orgId, int limit) {
        return tx.read(c -> store.list(c, orgId, limit));
    }

    /** The emails of the organization's admins among {@code ids}; one query, none for no ids. */
    public Map<UUID, String> emails(UUID orgId, Collection<UUID> ids) {
        return ids.isEmpty() ? Map.of() : tx.read(c -> store.emails(c, orgId, ids));
    }

    /**
     * The operator's answer to a forgotten password: a new random one-time password for the
     * admin, and every session of theirs ends. 404 when the email is not an admin here.
     */
    public Created resetPassword(UUID orgId, String email, Actor actor) {
        String clean = email == null ? "" : email.strip();
        String password = Passwords.generate();
        String hash = Passwords.hash(password);
        return tx.inTransaction(c -> {
            AdminUser admin = store.findByEmail(c, orgId, clean).map(AdminUserStore.WithHash::admin)
                    .orElseThrow(() -> new DomainException.NotFound("no console admin \"" + clean + "\" in this organization"));
            store.setPasswordHash(c, admin.id(), hash, true);
            sessions.endAll(c, admin.id());
            AuditTrail.record(c, orgId, actor, AuditAction.ADMIN_PASSWORD_RESET, target(admin), AuditTrail.detail("sessionsEnded", true));
            return new Created(admin, password);
        });
    }

    /**
     * Removes a console admin (by email or id): their sessions end with them. The organization's
     * last admin stays (409): it is the local way in when SAML is down, and someone must be able
     * to sign in to add another.
     */
    public AdminUser remove(UUID orgId, String emailOrId, Actor actor) {
        String clean = emailOrId == null ? "" : emailOrId.strip();
        return tx.inTransaction(c -> {
            Optional<AdminUserStore.WithHash> found = store.findByEmail(c, orgId, clean);
            Optional<UUID> id = dev.lanyard.organization.OrganizationService.parseUuid(clean);
            if (found.isEmpty() && id.isPresent()) found = store.findById(c, id.get()).filter(w -> w.admin().orgId().equals(orgId));
            AdminUser admin = found.map(AdminUserStore.WithHash::admin)
                    .orElseThrow(() -> new DomainException.NotFound("no console admin \"" + clean + "\" in this organization"));
            if (store.lockAll(c, orgId) <= 1) {
                throw new DomainException.Conflict(admin.email() + " is the organization's last console admin; create another admin first");
            }
            store.delete(c, admin.id());
            AuditTrail.record(c, orgId, actor, AuditAction.ADMIN_REMOVED, target(admin), AuditTrail.detail());
            return admin;
        });
    }

    /** Whether the organization has a console admin with this email (any letter case). */
    public boolean isAdmin(UUID orgId, String email) {
        return tx.read(c -> store.findByEmail(c, orgId, email == null ? "" : email.strip())).isPresent();
    }

    static AuditTrail.Target target(AdminUser admin) {
        return AuditTrail.Target.of("admin", admin.id(), admin.email());
    }
}
