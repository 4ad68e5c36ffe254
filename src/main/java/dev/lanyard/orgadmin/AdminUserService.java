package dev.lanyard.orgadmin;

import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
    public Created create(UUID orgId, String email) {
        String clean = AdminUser.checkEmail(email);
        String password = Passwords.generate();
        // Hashed before the transaction opens: bcrypt is slow on purpose, a connection is not.
        String hash = Passwords.hash(password);
        var admin = new AdminUser(UUID.randomUUID(), orgId, clean, Instant.now().truncatedTo(ChronoUnit.MICROS));
        try {
            tx.inTransaction(c -> {
                store.insert(c, admin, hash);
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
    public Created resetPassword(UUID orgId, String email) {
        String clean = email == null ? "" : email.strip();
        String password = Passwords.generate();
        String hash = Passwords.hash(password);
        return tx.inTransaction(c -> {
            AdminUser admin = store.findByEmail(c, orgId, clean).map(AdminUserStore.WithHash::admin)
                    .orElseThrow(() -> new DomainException.NotFound("no console admin \"" + clean + "\" in this organization"));
            store.setPasswordHash(c, admin.id(), hash, true);
            sessions.endAll(c, admin.id());
            return new Created(admin, password);
        });
    }
}
