package dev.lanyard.directory;

import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Directory API's reads (README "Directory API and events"): an organization's accounts and
 * groups as apps see them, in keyset pages. Each method is one read; none loads more than a page.
 * Lists are ordered by (updated_at, seq), so a walk with {@code updated_since} picks up where the
 * last one ended, and an account changed during a walk shows up again later rather than never.
 */
public final class DirectoryService {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final Set<String> STATUSES = Set.of("active", "deactivated", "invalidated", "disabled");

    private final Transactions tx;
    private final DirectoryStore store = new DirectoryStore();

    DirectoryService(Transactions tx) {
        this.tx = tx;
    }

    /** What an accounts list is narrowed to; every part optional. */
    public record AccountFilter(Optional<String> status, Optional<String> email, Optional<Instant> updatedSince) {
        public AccountFilter {
            if (status.isPresent() && !STATUSES.contains(status.get())) {
                throw new DomainException.Invalid("status must be one of active, deactivated, invalidated, disabled; got \""
                        + clip(status.get()) + "\"");
            }
            if (email.isPresent() && (email.get().isEmpty() || email.get().length() > 320)) {
                throw new DomainException.Invalid("email must be 1 to 320 characters");
            }
        }
    }

    /** A page: the rows' JSON and the cursor of the next page when more follow. */
    public record Page(List<String> json, Optional<String> next) {}

    public Page accounts(UUID orgId, AccountFilter filter, Optional<String> after, int limit) {
        Optional<long[]> position = OpaqueCursor.decode(OpaqueCursor.ACCOUNTS, after, "accounts list");
        return page(tx.read(c -> store.accounts(c, orgId, filter, position, limit)), OpaqueCursor.ACCOUNTS, limit);
    }

    public String account(UUID orgId, UUID id) {
        return tx.read(c -> store.account(c, orgId, id))
                .orElseThrow(() -> new DomainException.NotFound("no account " + id + " in this organization"));
    }

    public Page groups(UUID orgId, Optional<Instant> updatedSince, Optional<String> after, int limit) {
        Optional<long[]> position = OpaqueCursor.decode(OpaqueCursor.GROUPS, after, "groups list");
        return page(tx.read(c -> store.groups(c, orgId, updatedSince, position, limit)), OpaqueCursor.GROUPS, limit);
    }

    public String group(UUID orgId, UUID id) {
        return tx.read(c -> store.group(c, orgId, id)).orElseThrow(() -> noGroup(id));
    }

    /** A group's members (accounts), in a stable order, {@code limit} after {@code after}. */
    public Page members(UUID orgId, UUID groupId, Optional<String> after, int limit) {
        Optional<long[]> position = OpaqueCursor.decode(OpaqueCursor.MEMBERS, after, "members list");
        return tx.readSnapshot(c -> {
            if (store.group(c, orgId, groupId).isEmpty()) throw noGroup(groupId);
            return page(store.members(c, orgId, groupId, position, limit), OpaqueCursor.MEMBERS, limit);
        });
    }

    private static Page page(List<DirectoryStore.Row> rows, byte format, int limit) {
        if (rows.size() <= limit) return new Page(rows.stream().map(DirectoryStore.Row::json).toList(), Optional.empty());
        List<DirectoryStore.Row> shown = rows.subList(0, limit);
        DirectoryStore.Row last = shown.getLast();
        return new Page(shown.stream().map(DirectoryStore.Row::json).toList(), Optional.of(OpaqueCursor.encode(format, last.a(), last.b())));
    }

    private static DomainException.NotFound noGroup(UUID id) {
        return new DomainException.NotFound("no group " + id + " in this organization");
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
