package dev.lanyard.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.SqlFilter;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for managed_accounts and account_events. */
final class AccountStore {
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());
    private static final String COLUMNS = "id, org_id, email, status, scim_id, external_id, display_name, attributes, "
            + "version, scim_created_at, successor_id, created_at, updated_at";

    /**
     * Every account with this email, any letter case, linked or not. Said in the "C" collation so
     * it is a range of managed_accounts_browse (org_id, lower(email) collate "C", seq), or of
     * managed_accounts_browse_status with a status: equality is the same in every deterministic
     * collation (equal means byte-equal), and V107 dropped the plain (org_id, lower(email)) index
     * that duplicated the browse index for this one use.
     */
    static final String EMAIL_IS = "lower(email) collate \"C\" = lower(?)";

    void insert(Connection c, ManagedAccount a) throws SQLException {
        Sql.update(c, """
                insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                              version, scim_created_at, created_at, updated_at, status_changed_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                a.id(), a.orgId(), a.email(), a.status().dbValue(), a.scimId(), a.externalId(), a.displayName(),
                json(a.attributes()), a.version(), a.scimCreatedAt(), a.createdAt(), a.updatedAt(), a.updatedAt());
    }

    /**
     * A new account and its "created" event in one statement (one round trip, issue 16), unless the
     * organization has a disabled account with this email, which a create re-attaches instead:
     * then nothing is written and this returns false.
     */
    boolean insertUnlessDisabled(Connection c, Create k) throws SQLException {
        ManagedAccount a = k.account();
        return Sql.update(c, """
                with created as (
                    insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                                  version, scim_created_at, created_at, updated_at, status_changed_at)
                    select ?::uuid, ?::uuid, ?::text, ?::text, ?::uuid, ?::text, ?::text, ?::jsonb, ?::bigint, ?::timestamptz,
                           ?::timestamptz, ?::timestamptz, ?::timestamptz
                     where not exists (select 1 from managed_accounts d
                                        where d.org_id = ?::uuid and lower(d.email) collate "C" = lower(?::text) and d.status = 'disabled')
                    returning id, org_id)
                insert into account_events (org_id, account_id, kind, detail, actor, at)
                select org_id, id, ?, ?, ?, ? from created""",
                a.id(), a.orgId(), a.email(), a.status().dbValue(), a.scimId(), a.externalId(), a.displayName(),
                new Sql.Json(k.attributes()), a.version(), a.scimCreatedAt(), a.createdAt(), a.updatedAt(), a.updatedAt(),
                a.orgId(), a.email(),
                AccountEvent.Kind.CREATED.dbValue(), new Sql.Json(k.detail()), k.actor(), k.at()) == 1;
    }

    /**
     * One SCIM create for {@link #insertAllUnlessDisabled}: the new account, and its history row's
     * detail, actor and time. The JSON is rendered once, on the request's thread.
     */
    record Create(ManagedAccount account, String attributes, String detail, String actor, Instant at) {
        static Create of(ManagedAccount account, Map<String, ?> detail, Actor actor, Instant at) {
            return new Create(account, json(account.attributes()).text(), JsonBuffers.text(JSON.valueToTree(detail)), actor.text(), at);
        }

        /** About what the create's values take in a statement (characters), for the batch's bound. */
        int approxSize() {
            return 256 + account.email().length() + attributes.length() + detail.length() + actor.length();
        }
    }

    /**
     * Several creates as one statement (issue 16: a group commit, storage.Batches): each
     * account whose organization has no disabled account with its email, and whose userName no
     * linked account of its organization holds, is written with its "created" history row (its
     * directory event follows by the V80 trigger). Returns the ids of the accounts written; a
     * create that is not among them wrote nothing, and its caller does what one create alone
     * does then (re-attach, or 409). The rows go in one order, by organization and email, so two
     * batches that wait on each other's rows (the same userNames created twice at once) take
     * them in the same order and cannot deadlock.
     */
    java.util.Set<UUID> insertAllUnlessDisabled(Connection c, List<Create> creates) throws SQLException {
        List<Create> sorted = creates.stream()
                .sorted(java.util.Comparator.comparing((Create k) -> k.account().orgId())
                        .thenComparing(k -> k.account().email().toLowerCase(java.util.Locale.ROOT)))
                .toList();
        int n = sorted.size();
        Object[] ids = new Object[n], orgs = new Object[n], emails = new Object[n], statuses = new Object[n],
                scimIds = new Object[n], externalIds = new Object[n], displayNames = new Object[n],
                attributes = new Object[n], versions = new Object[n], scimCreated = new Object[n],
                created = new Object[n], updated = new Object[n], details = new Object[n], actors = new Object[n],
                ats = new Object[n];
        for (int i = 0; i < n; i++) {
            Create k = sorted.get(i);
            ManagedAccount a = k.account();
            ids[i] = a.id();
            orgs[i] = a.orgId();
            emails[i] = a.email();
            statuses[i] = a.status().dbValue();
            scimIds[i] = a.scimId().orElse(null);
            externalIds[i] = a.externalId().orElse(null);
            displayNames[i] = a.displayName().orElse(null);
            attributes[i] = k.attributes();
            versions[i] = a.version();
            scimCreated[i] = a.scimCreatedAt().toString();
            created[i] = a.createdAt().toString();
            updated[i] = a.updatedAt().toString();
            details[i] = k.detail();
            actors[i] = k.actor();
            ats[i] = k.at().toString();
        }
        List<UUID> written = Sql.list(c, INSERT_ALL_UNLESS_DISABLED, List.of(
                c.createArrayOf("uuid", ids), c.createArrayOf("uuid", orgs), c.createArrayOf("text", emails),
                c.createArrayOf("text", statuses), c.createArrayOf("uuid", scimIds), c.createArrayOf("text", externalIds),
                c.createArrayOf("text", displayNames), c.createArrayOf("text", attributes), c.createArrayOf("int8", versions),
                c.createArrayOf("text", scimCreated), c.createArrayOf("text", created), c.createArrayOf("text", updated),
                c.createArrayOf("text", details), c.createArrayOf("text", actors), c.createArrayOf("text", ats),
                AccountEvent.Kind.CREATED.dbValue()), rs -> rs.getObject(1, UUID.class));
        return java.util.Set.copyOf(written);
    }

    // Planned with its values each time (Sql.PLANNED_WITH_VALUES): a generic plan made while
    // managed_accounts was small, as on a new server, checked for a disabled account by hashing
    // every disabled account of the table, and a connection kept it, each batch slower than the
    // last as the table grew (bench/side/ab on a new database, the same build in both servers:
    // from 0.52 to 1.12 ms of PostgreSQL's CPU per create over six runs of 5 s in the one that
    // used it first, 0.26-0.30 ms in the other). Sql.KEPT_INDEX_PLAN does not save it: on an empty
    // table the kept plan reads every disabled account through managed_accounts_directory_status
    // for each batch (0.34 to 0.67 ms per create over six runs, eighteenth round), and on a large
    // one it took the same index while disabled accounts were few (nineteenth round). Planning each
    // batch costs less than that (docs/performance.md: 3-16 % of PostgreSQL's rate for creates).
    // Times go as ISO-8601 text (Instant.toString, with its Z): an array of timestamps from
    // java.sql.Timestamp would be written in the JVM's local time without a zone.
    private static final String INSERT_ALL_UNLESS_DISABLED = Sql.PLANNED_WITH_VALUES + """
            with input as (
                select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[],
                                     ?::bigint[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[],
                                     ?::timestamptz[])
                       with ordinality as v(id, org_id, email, status, scim_id, external_id, display_name, attributes, version,
                                            scim_created_at, created_at, updated_at, detail, actor, at, n)),
            created as (
                insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                              version, scim_created_at, created_at, updated_at, status_changed_at)
                select id, org_id, email, status, scim_id, external_id, display_name, attributes::jsonb, version,
                       scim_created_at, created_at, updated_at, updated_at
                  from input v
                 where not exists (select 1 from managed_accounts d
                                    where d.org_id = v.org_id and lower(d.email) collate "C" = lower(v.email) and d.status = 'disabled')
                 order by n
                    on conflict (org_id, lower(email)) where scim_id is not null do nothing
                returning id, org_id)
            insert into account_events (org_id, account_id, kind, detail, actor, at)
            select c.org_id, c.id, ?, v.detail::jsonb, v.actor, v.at from created c join input v on v.id = c.id
            returning account_id""";

    /**
     * Writes the account's new state only if its row still has {@code expectedVersion} and is
     * still linked to the same SCIM id: the update takes the row lock and checks in one round trip
     * what a SELECT ... FOR UPDATE followed by the update did in two (issue 16). False when another
     * request changed it meanwhile (nothing is written).
     */
    boolean updateIfUnchanged(Connection c, ManagedAccount a, UUID scimId, long expectedVersion) throws SQLException {
        return Sql.update(c, UPDATE_IF_UNCHANGED, conditionalUpdate(a, scimId, expectedVersion).toArray()) == 1;
    }

    /**
     * {@link #updateIfUnchanged} and the change's history row (its directory event follows by the
     * V80 trigger) in one statement: one round trip, and a PUT or PATCH without a rename needs no
     * transaction of its own (issue 16). False, and nothing written, when the row moved on.
     */
    boolean updateIfUnchangedWithEvent(Connection c, ManagedAccount a, UUID scimId, long expectedVersion, AccountEvent.Kind kind,
                                       Actor actor, Instant at) throws SQLException {
        List<Object> params = conditionalUpdate(a, scimId, expectedVersion);
        params.addAll(List.of(kind.dbValue(), actor.text(), at));
        return Sql.update(c, "with updated as (" + UPDATE_IF_UNCHANGED + " returning id, org_id) "
                + "insert into account_events (org_id, account_id, kind, detail, actor, at) select org_id, id, ?, '{}', ?, ? from updated",
                params.toArray()) == 1;
    }

    /**
     * One SCIM change for {@link #updateAllIfUnchangedWithEvent}: a PUT or PATCH without a rename
     * (a letter case change at most) that takes no access away, as {@link #updateIfUnchangedWithEvent}
     * writes it alone. The attributes' JSON is rendered once, on the request's thread.
     */
    record Change(ManagedAccount account, UUID scimId, long expectedVersion, AccountEvent.Kind kind, Actor actor, Instant at,
                  String attributes) {
        static Change of(ManagedAccount account, UUID scimId, long expectedVersion, AccountEvent.Kind kind, Actor actor, Instant at) {
            return new Change(account, scimId, expectedVersion, kind, actor, at, json(account.attributes()).text());
        }

        /** About what the change's values take in a statement (characters), for the batch's bound. */
        int approxSize() {
            return 256 + account.email().length() + attributes.length() + account.externalId().map(String::length).orElse(0)
                    + account.displayName().map(String::length).orElse(0);
        }
    }

    /** {@link #updateIfUnchangedWithEvent} for one change. */
    boolean updateIfUnchangedWithEvent(Connection c, Change k) throws SQLException {
        return updateIfUnchangedWithEvent(c, k.account(), k.scimId(), k.expectedVersion(), k.kind(), k.actor(), k.at());
    }

    /**
     * Several changes as one statement (issue 16, storage.Batches, as {@link #insertAllUnlessDisabled}
     * for creates): each account whose row still has the version its change was computed from and
     * the same SCIM id is written, with its history row (its directory event follows by the V80
     * trigger). Returns the positions in {@code changes} of those written; a change that is not
     * among them wrote nothing (its row moved on, or another change of the same account in this
     * batch was written instead), and its caller computes it again, as after
     * {@link #updateIfUnchangedWithEvent}'s false. The rows are taken in the order of their ids,
     * so two batches that change the same accounts wait for each other instead of deadlocking.
     */
    java.util.Set<Integer> updateAllIfUnchangedWithEvent(Connection c, List<Change> changes) throws SQLException {
        Integer[] order = new Integer[changes.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, java.util.Comparator.comparing(i -> changes.get(i).account().id()));
        int n = order.length;
        Object[] ids = new Object[n], expected = new Object[n], scimIds = new Object[n], emails = new Object[n],
                statuses = new Object[n], externalIds = new Object[n], displayNames = new Object[n], attributes = new Object[n],
                versions = new Object[n], updated = new Object[n], kinds = new Object[n], actors = new Object[n],
                ats = new Object[n], positions = new Object[n];
        for (int j = 0; j < n; j++) {
            Change k = changes.get(order[j]);
            ManagedAccount a = k.account();
            ids[j] = a.id();
            expected[j] = k.expectedVersion();
            scimIds[j] = k.scimId();
            emails[j] = a.email();
            statuses[j] = a.status().dbValue();
            externalIds[j] = a.externalId().orElse(null);
            displayNames[j] = a.displayName().orElse(null);
            attributes[j] = k.attributes();
            versions[j] = a.version();
            updated[j] = a.updatedAt().toString();
            kinds[j] = k.kind().dbValue();
            actors[j] = k.actor().text();
            ats[j] = k.at().toString();
            positions[j] = order[j];
        }
        List<Integer> written = Sql.together(c, Sql.KEPT_INDEX_PLAN + UPDATE_ALL_IF_UNCHANGED, List.of(
                c.createArrayOf("uuid", ids), c.createArrayOf("int8", expected), c.createArrayOf("uuid", scimIds),
                c.createArrayOf("text", emails), c.createArrayOf("text", statuses), c.createArrayOf("text", externalIds),
                c.createArrayOf("text", displayNames), c.createArrayOf("text", attributes), c.createArrayOf("int8", versions),
                c.createArrayOf("text", updated), c.createArrayOf("text", kinds), c.createArrayOf("text", actors),
                c.createArrayOf("text", ats), c.createArrayOf("int4", positions)), rs -> rs.getInt(1));
        return java.util.Set.copyOf(written);
    }

    // Run after Sql.KEPT_INDEX_PLAN: one plan kept per connection on a large enough database
    // (Database.KEPT_PLANS_MIN_ROWS), not planned with the values each time (bench/side/ab
    // --phase sync: 1.13 times the changes per second, 0.90 of the CPU).
    // Unlike the creates' and the lookups' statements, this one's plan cannot go bad: with
    // sequential scans and hash and merge joins off, only its two unique indexes (id, scim_id)
    // find its rows; on an empty table the kept plan takes managed_accounts_scim_id_key. The same
    // columns as UPDATE_IF_UNCHANGED except those a change without a rename keeps (scim_id,
    // scim_created_at). Two changes of one
    // account in a batch: UPDATE ... FROM writes the row once, with one of them, whose position it
    // returns, and only that one gets the history row. The data-modifying CTE runs to completion
    // although the final SELECT does not read it.
    private static final String UPDATE_ALL_IF_UNCHANGED = """
            with input as (
                select * from unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::bigint[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[], ?::int[])
                       as v(id, expected, scim_id, email, status, external_id, display_name, attributes, version, updated_at,
                            kind, actor, at, position)),
            updated as (
                update managed_accounts a
                   set email = v.email, status = v.status, external_id = v.external_id, display_name = v.display_name,
                       attributes = v.attributes::jsonb, version = v.version, successor_id = null, updated_at = v.updated_at,
                       status_changed_at = case when a.status = v.status then a.status_changed_at else v.updated_at end
                  from input v
                 where a.id = v.id and a.version = v.expected and a.scim_id = v.scim_id
                returning a.id, a.org_id, v.kind, v.actor, v.at, v.position),
            logged as (
                insert into account_events (org_id, account_id, kind, detail, actor, at)
                select org_id, id, kind, '{}', actor, at from updated)
            select position from updated""";

    private static final String UPDATE_IF_UNCHANGED = """
            update managed_accounts
               set email = ?, status = ?, scim_id = ?, external_id = ?, display_name = ?, attributes = ?,
                   version = ?, scim_created_at = ?, successor_id = ?, updated_at = ?,
                   status_changed_at = case when status = ? then status_changed_at else ? end
             where id = ? and version = ? and scim_id = ?""";

    /** UPDATE_IF_UNCHANGED's values, in order (a mutable list: a caller may add its own after them). */
    private static List<Object> conditionalUpdate(ManagedAccount a, UUID scimId, long expectedVersion) {
        return new ArrayList<>(Arrays.asList(a.email(), a.status().dbValue(), a.scimId(), a.externalId(), a.displayName(), json(a.attributes()),
                a.version(), a.scimCreatedAt(), a.successorId(), a.updatedAt(),
                a.status().dbValue(), a.updatedAt(), a.id(), expectedVersion, scimId));
    }

    /** The IdP-managed account behind a SCIM id, locked for the rest of the transaction. */
    Optional<ManagedAccount> lockLinked(Connection c, UUID orgId, UUID scimId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and scim_id = ? for update",
                AccountStore::map, orgId, scimId);
    }

    /**
     * The linked accounts with these SCIM ids, locked, except those another transaction has
     * locked: skipped, not waited for (a batch of removals leaves them to be tried alone).
     */
    java.util.Map<UUID, ManagedAccount> lockLinkedUnlessHeld(Connection c, java.util.Collection<UUID> scimIds) throws SQLException {
        java.util.Map<UUID, ManagedAccount> locked = new java.util.HashMap<>();
        for (ManagedAccount a : Sql.list(c, "select " + COLUMNS + " from managed_accounts where scim_id = any(?::uuid[]) for update skip locked",
                AccountStore::map, c.createArrayOf("uuid", scimIds.toArray()))) {
            locked.put(a.scimId().orElseThrow(), a);
        }
        return locked;
    }

    Optional<ManagedAccount> findLinked(Connection c, UUID orgId, UUID scimId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and scim_id = ?",
                AccountStore::map, orgId, scimId);
    }

    /** The same, with the value of the caller's {@code beside} expression for it (as {@link #searchLinked}'s). */
    Optional<AccountService.Found> findLinked(Connection c, UUID orgId, UUID scimId, String beside) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + ", (" + beside + ")::text as beside from managed_accounts where org_id = ? and scim_id = ?",
                rs -> new AccountService.Found(map(rs), Optional.ofNullable(rs.getString("beside"))), orgId, scimId);
    }

    /**
     * One read of a linked account by its SCIM id for {@link #findAllLinked}: what
     * {@link #findLinked(Connection, UUID, UUID, String)} reads, {@code beside} included when given.
     */
    record Read(UUID orgId, UUID scimId, Optional<String> beside) {
        /** About what the read's values take in a statement (characters), for the batch's bound. */
        int approxSize() {
            return 96;
        }

        /** The read's query with its organization and SCIM id taken from the batch's row {@code v}; reads of one shape share a statement. */
        String shape() {
            return "select " + COLUMNS + ", " + beside.map(b -> "(" + b + ")::text").orElse("null::text") + " as beside"
                    + " from managed_accounts where scim_id = v.read_scim and org_id = v.read_org";
        }
    }

    /**
     * Several reads by SCIM id (issue 16: GET /Users/{id} and the read before a change, when they
     * arrive together, storage.Batches), each what {@link #findLinked} returns for it, in the order
     * of {@code reads}: one statement per shape, a LATERAL subquery per read. Its rows only the
     * unique index on scim_id reaches with one row, so the batch may keep one plan
     * (Sql.KEPT_INDEX_PLAN); the organization is checked on the row, as alone.
     */
    List<Optional<AccountService.Found>> findAllLinked(Connection c, List<Read> reads) throws SQLException {
        Map<String, List<Integer>> byShape = new java.util.LinkedHashMap<>();
        for (int i = 0; i < reads.size(); i++) byShape.computeIfAbsent(reads.get(i).shape(), k -> new ArrayList<>()).add(i);
        List<Optional<AccountService.Found>> found = new ArrayList<>(java.util.Collections.nCopies(reads.size(), Optional.empty()));
        for (var shape : byShape.entrySet()) {
            List<Integer> positions = shape.getValue();
            Object[] orgs = new Object[positions.size()], ids = new Object[positions.size()];
            for (int j = 0; j < positions.size(); j++) {
                orgs[j] = reads.get(positions.get(j)).orgId();
                ids[j] = reads.get(positions.get(j)).scimId();
            }
            List<Map.Entry<Integer, AccountService.Found>> rows = Sql.together(c, Sql.KEPT_INDEX_PLAN
                    + "select v.read_n, p.* from unnest(?::uuid[], ?::uuid[]) "
                    + "with ordinality as v(read_org, read_scim, read_n) cross join lateral (" + shape.getKey() + ") p",
                    List.of(c.createArrayOf("uuid", orgs), c.createArrayOf("uuid", ids)),
                    rs -> Map.entry(rs.getInt("read_n"), new AccountService.Found(map(rs), Optional.ofNullable(rs.getString("beside")))));
            for (var row : rows) found.set(positions.get(row.getKey() - 1), Optional.of(row.getValue()));
        }
        return found;
    }

    Optional<ManagedAccount> lock(Connection c, UUID orgId, UUID accountId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and id = ? for update",
                AccountStore::map, orgId, accountId);
    }

    /**
     * The account a sign-in with this email (any case) names: the one the IdP manages (active or
     * deactivated; at most one, by the unique index), else the most recently changed one.
     * {@link #EMAIL_IS} finds every account with that email on managed_accounts_browse.
     */
    Optional<ManagedAccount> findForSignIn(Connection c, UUID orgId, String email) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and " + EMAIL_IS + " "
                        + "order by (status in ('active', 'deactivated')) desc, status_changed_at desc limit 1",
                AccountStore::map, orgId, email);
    }

    /** The most recently disabled account with this email, if any: the one to re-attach. */
    Optional<ManagedAccount> lockDisabledByEmail(Connection c, UUID orgId, String email) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and " + EMAIL_IS + " "
                        + "and status = 'disabled' order by status_changed_at desc limit 1 for update",
                AccountStore::map, orgId, email);
    }

    /** Writes the account's current state; status_changed_at moves only when the status did. */
    void update(Connection c, ManagedAccount a) throws SQLException {
        Sql.update(c, """
                update managed_accounts
                   set email = ?, status = ?, scim_id = ?, external_id = ?, display_name = ?, attributes = ?,
                       version = ?, scim_created_at = ?, successor_id = ?, updated_at = ?,
                       status_changed_at = case when status = ? then status_changed_at else ? end
                 where id = ?""",
                a.email(), a.status().dbValue(), a.scimId(), a.externalId(), a.displayName(), json(a.attributes()),
                a.version(), a.scimCreatedAt(), a.successorId(), a.updatedAt(),
                a.status().dbValue(), a.updatedAt(), a.id());
    }

    void delete(Connection c, UUID accountId) throws SQLException {
        Sql.update(c, "delete from managed_accounts where id = ?", accountId);
    }

    /** A row of a search page with its position, from which the next page's cursor is made. */
    /** A page's account, its position (for the next page's cursor) and the value of the caller's {@code beside} expression, if any. */
    record Keyed(ManagedAccount account, AccountQuery.Position position, Optional<String> beside) {}

    /**
     * One page of linked accounts. Rows are ordered by (sort key is null, sort key, seq); a
     * nullable key is compared through coalesce(key, zero) so the keyset comparison never meets
     * a NULL (RFC 7644 §3.4.2.3: missing values sort last when ascending).
     */
    List<Keyed> searchLinked(Connection c, UUID orgId, AccountQuery q, Optional<String> beside) throws SQLException {
        AccountQuery.SortKey key = q.sort().key();
        String dir = q.sort().descending() ? " desc" : "";
        String sortExpr = key.nullable() ? "coalesce(" + key.sql() + ", " + key.zero() + ")" : key.sql();
        List<Object> params = new ArrayList<>();
        boolean lookup = q.where().isPresent() && q.where().get().lookup();
        // The caller's expression (a user's groups) is computed for the page's rows only. In the
        // page's own SELECT that holds without an offset: PostgreSQL computes a costly output
        // column after the sort and limit, or, on an index in the page's order, for the rows it
        // returns. With an offset it would compute it for every skipped row too (startIndex=900001:
        // 900,000 times, bench/million), so that page is wrapped: an outer SELECT over the page,
        // named managed_accounts so that the expression's managed_accounts.<column> reads the
        // page's columns, which orders the rows again (at most count + 1; only an ORDER BY fixes
        // the order of a query's rows). The wrapper costs its own sort and subquery scan: a quarter
        // of the IdPs' lookup's cost (pgbench, 4 clients, medians of 5 runs: 13,900 statements/s
        // wrapped, 18,500 not; issue 16), so it is used only there.
        boolean skips = q.window() instanceof AccountQuery.Index(int offset, int ignored) && offset > 0;
        boolean wrapped = beside.isPresent() && skips;
        String besideColumn = wrapped ? "" : ", " + beside.map(b -> "(" + b + ")::text").orElse("null::text") + " as beside";
        StringBuilder sql = new StringBuilder("select " + COLUMNS + ", seq, (" + key.sql() + ")::text as sort_value" + besideColumn
                + " from managed_accounts where org_id = ? and scim_id is not null");
        params.add(orgId);
        appendWhere(sql, params, q.where());
        if (q.window() instanceof AccountQuery.After(Optional<AccountQuery.Position> after, int count) && after.isPresent()) {
            String cmp = q.sort().descending() ? " < " : " > ";
            AccountQuery.Position p = after.get();
            if (key == AccountQuery.SortKey.SEQ) {
                sql.append(" and seq").append(cmp).append("?");
            } else if (key.nullable()) {
                sql.append(" and ((").append(key.sql()).append(") is null, ").append(sortExpr).append(", seq)").append(cmp)
                        .append("(?, coalesce(?::").append(key.pgType()).append(", ").append(key.zero()).append("), ?)");
                params.add(p.sortValue().isEmpty());
                params.add(p.sortValue().orElse(null));
            } else {
                sql.append(" and (").append(sortExpr).append(", seq)").append(cmp).append("(?::").append(key.pgType()).append(", ?)");
                params.add(p.sortValue().orElse(null));
            }
            params.add(p.seq());
        }
        String order = orderBy(q.sort());
        sql.append(order).append(" limit ?");
        switch (q.window()) {
            case AccountQuery.Index(int offset, int count) -> {
                params.add(count);
                // No "offset 0": with an offset parameter a generic plan is costed as if it skipped
                // a tenth of the rows, so PostgreSQL never keeps one for the IdPs' pre-check.
                if (offset > 0) {
                    sql.append(" offset ?");
                    params.add(offset);
                }
            }
            case AccountQuery.After(Optional<AccountQuery.Position> ignored, int count) -> params.add(count + 1);
        }
        String page = wrapped ? "select *, (" + beside.get() + ")::text as beside from (" + sql + ") as managed_accounts" + order
                : sql.toString();
        return Sql.list(c, (lookup ? "" : Sql.PLANNED_WITH_VALUES) + page, params, AccountStore::keyed);
    }

    /** A page's ORDER BY for {@code sort}: (sort key is null, sort key, seq), see {@link #searchLinked}. */
    private static String orderBy(AccountQuery.Sort sort) {
        AccountQuery.SortKey key = sort.key();
        String dir = sort.descending() ? " desc" : "";
        StringBuilder order = new StringBuilder(" order by ");
        if (key == AccountQuery.SortKey.SEQ) return order.append("seq").append(dir).toString();
        if (key.nullable()) order.append("(").append(key.sql()).append(") is null").append(dir).append(", ");
        order.append(key.nullable() ? "coalesce(" + key.sql() + ", " + key.zero() + ")" : key.sql()).append(dir);
        // A unique key orders the rows alone (the same order as with seq): its unique index
        // then serves the ORDER BY, and no second index on (key, seq) is needed (V107).
        if (!key.unique()) order.append(", seq").append(dir);
        return order.toString();
    }

    /**
     * One first page of a lookup for {@link #searchAll}: the whole filter one {@code eq} on a text
     * value (the IdPs' pre-check, {@code userName eq "..."}), {@code count} rows at most.
     */
    record Lookup(UUID orgId, AccountQuery query, Optional<String> beside) {
        /** What SqlFilter makes of {@code userName eq "..."}. */
        static final String USER_NAME_EQ = "lower(email) = lower(?)";

        /** Whether {@link #searchLinked}'s page for {@code q} may be read in a batch of lookups. */
        static boolean batchable(AccountQuery q) {
            if (q.where().isEmpty() || !q.where().get().lookup()) return false;
            SqlFilter.Where w = q.where().get();
            return q.window() instanceof AccountQuery.Index(int offset, int count) && offset == 0 && count > 0
                    && w.params().size() == 1 && w.params().get(0) instanceof String
                    && w.sql().indexOf('?') == w.sql().lastIndexOf('?') && w.sql().indexOf('?') >= 0;
        }

        Lookup {
            if (!batchable(query)) throw new IllegalArgumentException("not a lookup that may be batched: " + query);
        }

        String value() {
            return (String) query.where().orElseThrow().params().get(0);
        }

        /**
         * {@code userName eq}: among an organization's linked accounts lower(email) is unique
         * (managed_accounts_username_key, V1), so the page is one row at most and needs neither an
         * order nor a limit, and its batch's plan may be kept (Sql.KEPT_INDEX_PLAN, {@link #searchAll}).
         */
        boolean unique() {
            return query.where().orElseThrow().sql().equals(USER_NAME_EQ);
        }

        int count() {
            return query.window().count();
        }

        /** About what the lookup's values take in a statement (characters), for the batch's bound. */
        int approxSize() {
            return 64 + value().length();
        }

        /**
         * The page's query for any organization, value and count, each taken from the batch's row
         * {@code v}: the same SELECT as {@link #searchLinked}'s with those three as columns of
         * {@code v} instead of parameters. Lookups with the same shape share one statement.
         */
        String shape() {
            String where = query.where().orElseThrow().sql().replace("?", "v.lookup_value");
            return "select " + COLUMNS + ", seq, (" + query.sort().key().sql() + ")::text as sort_value, "
                    + beside.map(b -> "(" + b + ")::text").orElse("null::text") + " as beside"
                    + " from managed_accounts where org_id = v.lookup_org and scim_id is not null and " + where
                    + (unique() ? "" : orderBy(query.sort()) + " limit v.lookup_limit");
        }
    }

    /**
     * Several lookups' first pages (issue 16: lookups that arrive together, storage.Batches),
     * each what {@link #searchLinked} returns for it, in the order of {@code lookups}. Lookups of
     * one shape are one statement: a LATERAL subquery per lookup, which PostgreSQL can only run
     * as a nested loop over the lookups, in their order, each subquery's rows in its own ORDER BY.
     * Usually every lookup has the same shape (the same filter attribute, sort and projection).
     * A batch of {@code userName eq} ({@link Lookup#unique}, nearly all of the IdPs' lookups)
     * keeps one plan per connection (Sql.KEPT_INDEX_PLAN), the userName index, once the database
     * is large enough for the planner to prefer that index without values (Database, plans kept).
     * Other batches are planned with their values each time (Sql.PLANNED_EACH_TIME): with an
     * ORDER BY and a LIMIT, a kept plan made on an empty table walks the organization's accounts
     * in the page's order (managed_accounts_scim_order) and filters them by the value, which at a
     * million accounts reads them all for each lookup.
     */
    List<List<Keyed>> searchAll(Connection c, List<Lookup> lookups) throws SQLException {
        Map<String, List<Integer>> byShape = new java.util.LinkedHashMap<>();
        for (int i = 0; i < lookups.size(); i++) byShape.computeIfAbsent(lookups.get(i).shape(), k -> new ArrayList<>()).add(i);
        List<List<Keyed>> pages = new ArrayList<>(java.util.Collections.nCopies(lookups.size(), List.of()));
        for (var shape : byShape.entrySet()) {
            List<Integer> positions = shape.getValue();
            int n = positions.size();
            Object[] orgs = new Object[n], values = new Object[n], limits = new Object[n];
            for (int j = 0; j < n; j++) {
                Lookup l = lookups.get(positions.get(j));
                orgs[j] = l.orgId();
                values[j] = l.value();
                limits[j] = l.count();
            }
            boolean unique = lookups.get(positions.get(0)).unique();
            List<Map.Entry<Integer, Keyed>> rows = Sql.together(c, (unique ? Sql.KEPT_INDEX_PLAN : Sql.PLANNED_EACH_TIME)
                    + "select v.lookup_n, p.* from unnest(?::uuid[], ?::text[], ?::int[]) "
                    + "with ordinality as v(lookup_org, lookup_value, lookup_limit, lookup_n) cross join lateral (" + shape.getKey() + ") p",
                    List.of(c.createArrayOf("uuid", orgs), c.createArrayOf("text", values), c.createArrayOf("int4", limits)),
                    rs -> Map.entry(rs.getInt("lookup_n"), keyed(rs)));
            Map<Integer, List<Keyed>> byLookup = new java.util.HashMap<>();
            for (var row : rows) byLookup.computeIfAbsent(row.getKey(), k -> new ArrayList<>()).add(row.getValue());
            for (int j = 0; j < n; j++) pages.set(positions.get(j), byLookup.getOrDefault(j + 1, List.of()));
        }
        return pages;
    }

    private static Keyed keyed(ResultSet rs) throws SQLException {
        return new Keyed(map(rs), new AccountQuery.Position(Optional.ofNullable(rs.getString("sort_value")), rs.getLong("seq")),
                Optional.ofNullable(rs.getString("beside")));
    }

    /**
     * How many linked accounts match. Without a filter the answer comes from the trigger-kept
     * org_account_counts (V4), so it costs the same at any organization size.
     */
    long countLinked(Connection c, UUID orgId, Optional<SqlFilter.Where> where) throws SQLException {
        if (where.isEmpty()) {
            return Sql.count(c, "select coalesce(sum(linked), 0) from org_account_counts where org_id = ?", List.of(orgId));
        }
        List<Object> params = new ArrayList<>(List.of(orgId));
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select count(*) from managed_accounts where org_id = ? and scim_id is not null");
        appendWhere(sql, params, where);
        return Sql.count(c, sql.toString(), params);
    }

    List<ManagedAccount> list(Connection c, UUID orgId, Optional<AccountStatus> status, int offset, int limit) throws SQLException {
        if (status.isPresent()) {
            return Sql.list(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and status = ? order by seq limit ? offset ?",
                    AccountStore::map, orgId, status.get().dbValue(), limit, offset);
        }
        return Sql.list(c, "select " + COLUMNS + " from managed_accounts where org_id = ? order by seq limit ? offset ?",
                AccountStore::map, orgId, limit, offset);
    }

    long count(Connection c, UUID orgId, Optional<AccountStatus> status) throws SQLException {
        return status.isPresent()
                ? Sql.count(c, "select count(*) from managed_accounts where org_id = ? and status = ?", List.of(orgId, status.get().dbValue()))
                : Sql.count(c, "select count(*) from managed_accounts where org_id = ?", List.of(orgId));
    }

    /** The account with this id in this organization, linked or not. */
    Optional<ManagedAccount> find(Connection c, UUID orgId, UUID accountId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from managed_accounts where org_id = ? and id = ?",
                AccountStore::map, orgId, accountId);
    }

    /**
     * How many accounts {@link #browse} would list over all its pages, counting at most {@code cap}
     * (then {@code cap}): the same index range as the list, so it costs at most {@code cap} index entries.
     */
    long countBrowse(Connection c, UUID orgId, Optional<AccountStatus> status, String emailPrefix, int cap) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select count(*) from (select 1 from managed_accounts where org_id = ?");
        params.add(orgId);
        appendBrowseFilter(sql, params, status, emailPrefix);
        sql.append(" limit ?) counted");
        params.add(cap);
        return Sql.count(c, sql.toString(), params);
    }

    /** The page before {@code before} in {@link #browse}'s order, nearest first (the caller reverses it). */
    List<ManagedAccount> browseBefore(Connection c, UUID orgId, Optional<AccountStatus> status, String emailPrefix,
                                      UUID before, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select " + COLUMNS + " from managed_accounts where org_id = ?");
        params.add(orgId);
        appendBrowseFilter(sql, params, status, emailPrefix);
        sql.append(" and (lower(email) collate \"C\", seq) < (select lower(a.email) collate \"C\", a.seq"
                + " from managed_accounts a where a.org_id = ? and a.id = ?)");
        params.add(orgId);
        params.add(before);
        sql.append(" order by lower(email) collate \"C\" desc, seq desc limit ?");
        params.add(limit);
        return Sql.list(c, sql.toString(), params, AccountStore::map);
    }

    /**
     * A page of the organization's accounts for the console, by lower-cased email in byte order
     * (collate "C", as the V9 indexes), after the account {@code after} (keyset). The email prefix
     * is a range on that index; starts_with only rechecks. Returns up to {@code limit} rows.
     */
    List<ManagedAccount> browse(Connection c, UUID orgId, Optional<AccountStatus> status, String emailPrefix,
                                Optional<UUID> after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select " + COLUMNS + " from managed_accounts where org_id = ?");
        params.add(orgId);
        appendBrowseFilter(sql, params, status, emailPrefix);
        if (after.isPresent()) {
            sql.append(" and (lower(email) collate \"C\", seq) > (select lower(a.email) collate \"C\", a.seq"
                    + " from managed_accounts a where a.org_id = ? and a.id = ?)");
            params.add(orgId);
            params.add(after.get());
        }
        sql.append(" order by lower(email) collate \"C\", seq limit ?");
        params.add(limit);
        return Sql.list(c, sql.toString(), params, AccountStore::map);
    }

    /**
     * The filters {@link #browse}, {@link #browseBefore} and {@link #countBrowse} share: status, and an
     * email prefix as a range on the collate "C" index (chr(1114111) is U+10FFFF, the greatest code
     * point: no longer email with this prefix sorts after it); starts_with only rechecks.
     */
    private static void appendBrowseFilter(StringBuilder sql, List<Object> params, Optional<AccountStatus> status,
                                           String emailPrefix) {
        if (status.isPresent()) {
            sql.append(" and status = ?");
            params.add(status.get().dbValue());
        }
        if (!emailPrefix.isEmpty()) {
            sql.append(" and lower(email) collate \"C\" >= lower(?) and lower(email) collate \"C\" < lower(?) || chr(1114111)"
                    + " and starts_with(lower(email), lower(?))");
            params.addAll(List.of(emailPrefix, emailPrefix, emailPrefix));
        }
    }

    /** Adds a translated SCIM filter to a query over the linked accounts. */
    private static void appendWhere(StringBuilder sql, List<Object> params, Optional<SqlFilter.Where> where) {
        where.ifPresent(w -> {
            sql.append(" and ").append(w.sql());
            params.addAll(w.params());
        });
    }

    /**
     * Records what happened. Details hold ids, except the emails of a "renamed" event ({"from",
     * "to"}), which {@link #forgetEmails} removes when the account is deleted: the history outlives
     * the account, its personal data does not.
     */
    void event(Connection c, UUID orgId, UUID accountId, AccountEvent.Kind kind, Map<String, ?> detail, Actor actor,
               Instant at) throws SQLException {
        Sql.update(c, "insert into account_events (org_id, account_id, kind, detail, actor, at) values (?, ?, ?, ?, ?, ?)",
                orgId, accountId, kind.dbValue(), new Sql.Json(JsonBuffers.text(JSON.valueToTree(detail))), actor.text(), at);
    }

    /** Takes the emails out of an account's history (manual deletion, docs/product-rules.md rule 10). */
    void forgetEmails(Connection c, UUID orgId, UUID accountId) throws SQLException {
        Sql.update(c, "update account_events set detail = detail - 'from' - 'to' "
                + "where org_id = ? and account_id = ? and kind = 'renamed'", orgId, accountId);
    }

    List<AccountEvent> events(Connection c, UUID orgId, UUID accountId) throws SQLException {
        return Sql.list(c, "select kind, detail::text, actor, at from account_events where org_id = ? and account_id = ? order by id",
                rs -> event(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "at")), orgId, accountId);
    }

    /** A stored event; a kind this version does not know is a bug in the data, named in the error. */
    private static AccountEvent event(String kind, String detail, String actor, Instant at) throws SQLException {
        AccountEvent.Kind k = AccountEvent.Kind.fromDb(kind)
                .orElseThrow(() -> new SQLException("unknown account event kind \"" + kind + "\""));
        try {
            return new AccountEvent(k, (ObjectNode) JSON.readTree(detail), Actor.parse(actor), at);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new SQLException("account event detail is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static Sql.Json json(ObjectNode node) {
        return new Sql.Json(JsonBuffers.text(node));
    }

    private static ManagedAccount map(ResultSet rs) throws SQLException {
        // Parsed when first read: a lookup's answer copies the text (StoredAttributes).
        StoredAttributes attributes = StoredAttributes.fromDatabase(rs.getString("attributes"));
        return new ManagedAccount(
                rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("email"),
                AccountStatus.fromDb(rs.getString("status")), Sql.optionalUuid(rs, "scim_id"),
                Optional.ofNullable(rs.getString("external_id")), Optional.ofNullable(rs.getString("display_name")),
                attributes, rs.getLong("version"), Sql.instant(rs, "scim_created_at"),
                Sql.optionalUuid(rs, "successor_id"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
