package dev.lanyard.account;

import com.unboundid.scim2.common.types.AttributeDefinition;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.scim.UserSchema;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.storage.SqlFilter.Kind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where each SCIM User attribute lives in managed_accounts, for filters and sorting.
 *
 * <ul>
 *   <li>userName, externalId, id, displayName, active, meta.created, meta.lastModified: columns,
 *       with indexes (V1, V3 migrations);</li>
 *   <li>every other attribute of the User and Enterprise User schemas: inside the
 *       {@code attributes} jsonb, typed by the schema ({@code title} text, {@code x509Certificates}
 *       elements ...), multi-valued ones as their array's elements;</li>
 *   <li>{@code userName} and {@code displayName} co/sw/ew, and {@code emails.value eq}, through the
 *       GIN indexes of {@code account_search} (V114), a row per account that changes only when
 *       those values do, so a deactivation does not write three GIN indexes.</li>
 * </ul>
 * Strings follow the schema's caseExact (RFC 7643 §2.2): userName, displayName, emails.value
 * compare without regard to case; externalId and id exactly.
 */
public final class AccountColumns implements SqlFilter.ColumnMap {
    public static final AccountColumns INSTANCE = new AccountColumns();

    /** For error messages: what a client may filter on. */
    public static final String SUPPORTED = "filters may use any attribute of the User and Enterprise User schemas "
            + "(e.g. userName, name.familyName, emails[type eq \"work\"], urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department, "
            + "meta.lastModified) with eq ne co sw ew gt ge lt le pr, and, or, not and parentheses";

    private static final String ENTERPRISE = ScimJson.ENTERPRISE_USER_SCHEMA;

    @Override
    public Optional<SqlFilter.Target> resolve(String schemaUrn, List<String> names) {
        if (schemaUrn == null) {
            Optional<SqlFilter.Target> column = column(names);
            if (column.isPresent() || names.getFirst().equalsIgnoreCase("meta")) return column;
            return UserSchema.core(names.getFirst()).flatMap(d -> json("attributes", d, names));
        }
        if (schemaUrn.equalsIgnoreCase(ENTERPRISE)) {
            return UserSchema.enterprise(names.getFirst()).flatMap(d -> json("attributes -> '" + ENTERPRISE + "'", d, names));
        }
        return Optional.empty();
    }

    private static Optional<SqlFilter.Target> column(List<String> names) {
        String first = names.getFirst().toLowerCase(Locale.ROOT);
        if (names.size() == 2 && first.equals("meta")) {
            return switch (names.get(1).toLowerCase(Locale.ROOT)) {
                case "created" -> scalar("scim_created_at", Kind.DATETIME);
                case "lastmodified" -> scalar("updated_at", Kind.DATETIME);
                case "resourcetype" -> scalar("'User'::text", Kind.TEXT_EXACT);
                default -> Optional.empty();
            };
        }
        if (names.size() != 1) return Optional.empty();
        return switch (first) {
            case "username" -> Optional.of(new SqlFilter.Scalar("email", Kind.TEXT_IGNORE_CASE, Optional.of(searchedLike("email"))));
            case "externalid" -> scalar("external_id", Kind.TEXT_EXACT);
            case "id" -> scalar("scim_id", Kind.UUID);
            case "displayname" -> Optional.of(new SqlFilter.Scalar("display_name", Kind.TEXT_IGNORE_CASE,
                    Optional.of(searchedLike("display_name")), Optional.of(DISPLAY_NAME_EQ)));
            case "active" -> scalar("(status = 'active')", Kind.BOOLEAN);
            default -> Optional.empty();
        };
    }

    /**
     * {@code displayName eq}, in the terms of managed_accounts_sort_display_name (the sortBy index:
     * {@code org_id, lower(display_name) is null, coalesce(lower(display_name), ''), seq}), so that
     * one index serves both and an account write maintains one index fewer (V115). The same rows
     * as {@code lower(display_name) = lower(?)}: a NULL display name is excluded by the first term
     * as it was by the comparison. {@code is false}, not {@code = false} or {@code not}: PostgreSQL
     * rewrites those two into {@code lower(display_name) is not null}, which no longer names the
     * index's second column, and the scan then reads the organization's whole range of the index
     * (4.5 ms instead of 0.13 ms at 48,000 accounts; FilterIndexIT checks the index condition).
     */
    private static final String DISPLAY_NAME_EQ = "(lower(display_name) is null) is false and coalesce(lower(display_name), '') = lower(?)";

    /** An attribute kept in the jsonb {@code container}, by its schema definition. */
    private static Optional<SqlFilter.Target> json(String container, AttributeDefinition d, List<String> names) {
        // password is never stored; groups (read-only) are not kept on users
        if (d.getReturned() == AttributeDefinition.Returned.NEVER || d.getMutability() == AttributeDefinition.Mutability.READ_ONLY
                || names.size() > 2) {
            return Optional.empty();
        }
        String node = container + " -> '" + d.getName() + "'";
        if (d.isMultiValued()) {
            if (d.getType() != AttributeDefinition.Type.COMPLEX) return Optional.empty();
            String sub = names.size() == 2 ? names.get(1) : "value";
            Optional<AttributeDefinition> subDef = UserSchema.subAttribute(d, sub);
            if (subDef.isEmpty()) return Optional.empty();
            SqlFilter.ElementResolver elements = (alias, name) -> UserSchema.subAttribute(d, name)
                    .map(s -> typed(alias + ".v ->> '" + s.getName() + "'", alias + ".v -> '" + s.getName() + "'", s));
            Optional<String> indexed = d.getName().equals("emails") && subDef.get().getName().equals("value")
                    ? Optional.of(searched("email_values @> array[lower(?)]")) : Optional.empty();
            return Optional.of(new SqlFilter.Each(node, subDef.get().getName(), elements, indexed));
        }
        if (d.getType() == AttributeDefinition.Type.COMPLEX) {
            if (names.size() == 1) return Optional.of(new SqlFilter.Scalar(node, Kind.COMPLEX));
            return UserSchema.subAttribute(d, names.get(1))
                    .filter(s -> !s.isMultiValued())
                    .map(s -> typed(node + " ->> '" + s.getName() + "'", node + " -> '" + s.getName() + "'", s));
        }
        if (names.size() != 1) return Optional.empty();
        return Optional.of(typed(container + " ->> '" + d.getName() + "'", node, d));
    }

    private static SqlFilter.Scalar typed(String textSql, String jsonSql, AttributeDefinition d) {
        return switch (d.getType()) {
            case STRING, REFERENCE, BINARY -> new SqlFilter.Scalar(textSql, d.isCaseExact() ? Kind.TEXT_EXACT : Kind.TEXT_IGNORE_CASE);
            case BOOLEAN -> new SqlFilter.Scalar("(" + textSql + ")::boolean", Kind.BOOLEAN);
            case DATETIME -> new SqlFilter.Scalar("(" + textSql + ")::timestamptz", Kind.DATETIME);
            case INTEGER, DECIMAL -> new SqlFilter.Scalar("(" + textSql + ")::numeric", Kind.DECIMAL);
            case COMPLEX -> new SqlFilter.Scalar(jsonSql, Kind.COMPLEX);
        };
    }

    /**
     * The account's account_search row (V114) satisfies {@code condition}, whose {@code ?} is one
     * bound value. EXISTS with the account's id and organization: at the top of a filter PostgreSQL
     * turns it into a semi-join and carries the query's {@code org_id = ?} over to the search
     * table, so the (org_id, trigrams) index is searched for this organization only. Under OR or
     * NOT it is a probe of account_search's key per account of the organization (docs/performance.md).
     * It names the outer row {@code managed_accounts}: AccountStore's statements read that table
     * without an alias (a page wrapped for its groups keeps the name).
     */
    private static String searched(String condition) {
        return "exists (select 1 from account_search hit where hit.account_id = managed_accounts.id"
                + " and hit.org_id = managed_accounts.org_id and hit." + condition + ")";
    }

    /** {@link #searched}: the column of account_search (already lower-cased) is like the pattern. */
    private static String searchedLike(String column) {
        return searched(column + " like lower(?) escape '\\'");
    }

    private static Optional<SqlFilter.Target> scalar(String sql, Kind kind) {
        return Optional.of(new SqlFilter.Scalar(sql, kind));
    }

    /** Attributes a client may sortBy, lower-cased, and the expression behind each. */
    private static final Map<String, AccountQuery.SortKey> SORT_KEYS = Map.ofEntries(
            // unique among linked accounts (managed_accounts_username_key), which also gives the order
            Map.entry("username", new AccountQuery.SortKey("lower(email)", "text", false, "''", true)),
            Map.entry("id", new AccountQuery.SortKey("scim_id", "uuid", false, "null")),
            Map.entry("externalid", new AccountQuery.SortKey("external_id", "text", true, "''")),
            Map.entry("displayname", new AccountQuery.SortKey("lower(display_name)", "text", true, "''")),
            Map.entry("active", new AccountQuery.SortKey("(status = 'active')", "boolean", false, "false")),
            Map.entry("meta.created", new AccountQuery.SortKey("scim_created_at", "timestamptz", false, "'-infinity'")),
            Map.entry("meta.lastmodified", new AccountQuery.SortKey("updated_at", "timestamptz", false, "'-infinity'")));

    /**
     * The sort key for a sortBy path (RFC 7644 §3.4.2.3), or empty when it cannot be sorted on.
     * Strings with caseExact false sort without regard to letter case.
     */
    public static Optional<AccountQuery.SortKey> sortKey(String lowerCasePath) {
        AccountQuery.SortKey known = SORT_KEYS.get(lowerCasePath);
        if (known != null) return Optional.of(known);
        return JsonSortKeys.resolve(lowerCasePath);
    }
}
