package dev.lanyard.group;

import dev.lanyard.account.AccountQuery;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.storage.SqlFilter.Kind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where each SCIM Group attribute (RFC 7643 §4.2) lives in org_groups, for filters and sorting.
 *
 * <pre>displayName eq "Sales"                -> lower(display_name) = lower(?)      (unique index)
 * members[value eq "2819c223-..."]         -> exists (select 1 from group_members m where m.group_id = org_groups.id
 *                                                  and m.member_id = scim_try_uuid(?))   (primary key)</pre>
 *
 * displayName compares without regard to case (caseExact false); externalId and id exactly.
 * Other operators on {@code members} ({@code co}, {@code pr} ...) are answered over the group's
 * members as a jsonb array: correct, but their cost grows with the group.
 */
final class GroupColumns implements SqlFilter.ColumnMap {
    static final GroupColumns INSTANCE = new GroupColumns();

    static final String SUPPORTED = "group filters may use displayName, externalId, id, members (members.value, "
            + "members.type), meta.created and meta.lastModified with eq ne co sw ew gt ge lt le pr, and, or, not and parentheses";

    private static final String MEMBERS_AS_JSON = "(select coalesce(jsonb_agg(jsonb_build_object('value', m.member_id::text, "
            + "'type', 'User')), '[]'::jsonb) from group_members m where m.group_id = org_groups.id)";
    private static final String MEMBER_EQ = "exists (select 1 from group_members m where m.group_id = org_groups.id "
            + "and m.member_id = scim_try_uuid(lower(?)))";

    @Override
    public Optional<SqlFilter.Target> resolve(String schemaUrn, List<String> names) {
        if (schemaUrn != null) return Optional.empty();
        String first = names.getFirst().toLowerCase(Locale.ROOT);
        if (first.equals("members") && names.size() <= 2) {
            String sub = names.size() == 2 ? names.get(1).toLowerCase(Locale.ROOT) : "value";
            if (!sub.equals("value") && !sub.equals("type")) return Optional.empty();
            SqlFilter.ElementResolver elements = (alias, name) -> switch (name.toLowerCase(Locale.ROOT)) {
                case "value" -> Optional.of(new SqlFilter.Scalar(alias + ".v ->> 'value'", Kind.TEXT_IGNORE_CASE));
                case "type" -> Optional.of(new SqlFilter.Scalar(alias + ".v ->> 'type'", Kind.TEXT_EXACT));
                default -> Optional.empty();
            };
            return Optional.of(new SqlFilter.Each(MEMBERS_AS_JSON, sub, elements,
                    sub.equals("value") ? Optional.of(MEMBER_EQ) : Optional.empty()));
        }
        if (names.size() == 2 && first.equals("meta")) {
            return switch (names.get(1).toLowerCase(Locale.ROOT)) {
                case "created" -> scalar("created_at", Kind.DATETIME);
                case "lastmodified" -> scalar("updated_at", Kind.DATETIME);
                case "resourcetype" -> scalar("'Group'::text", Kind.TEXT_EXACT);
                default -> Optional.empty();
            };
        }
        if (names.size() != 1) return Optional.empty();
        return switch (first) {
            case "displayname" -> scalar("display_name", Kind.TEXT_IGNORE_CASE);
            case "externalid" -> scalar("external_id", Kind.TEXT_EXACT);
            case "id" -> scalar("id", Kind.UUID);
            default -> Optional.empty();
        };
    }

    private static Optional<SqlFilter.Target> scalar(String sql, Kind kind) {
        return Optional.of(new SqlFilter.Scalar(sql, kind));
    }

    /** Attributes a client may sortBy, lower-cased (RFC 7644 §3.4.2.3), and the expression behind each. */
    private static final Map<String, AccountQuery.SortKey> SORT_KEYS = Map.of(
            "displayname", new AccountQuery.SortKey("lower(display_name)", "text", false, "''"),
            "externalid", new AccountQuery.SortKey("external_id", "text", true, "''"),
            "id", new AccountQuery.SortKey("id", "uuid", false, "null"),
            "meta.created", new AccountQuery.SortKey("created_at", "timestamptz", false, "'-infinity'"),
            "meta.lastmodified", new AccountQuery.SortKey("updated_at", "timestamptz", false, "'-infinity'"));

    static Optional<AccountQuery.SortKey> sortKey(String lowerCasePath) {
        return Optional.ofNullable(SORT_KEYS.get(lowerCasePath));
    }

    /** A member inside {@code remove members[<filter>]}: its value (the User's id) and its type. */
    static final SqlFilter.ColumnMap MEMBER = (urn, names) -> {
        if (urn != null || names.size() != 1) return Optional.empty();
        return switch (names.getFirst().toLowerCase(Locale.ROOT)) {
            case "value" -> Optional.of(new SqlFilter.Scalar("member_id::text", Kind.TEXT_IGNORE_CASE));
            case "type" -> Optional.of(new SqlFilter.Scalar("'User'::text", Kind.TEXT_EXACT));
            default -> Optional.empty();
        };
    };

    static final String MEMBER_SUPPORTED = "a member filter may use value and type, e.g. members[value eq \"<user id>\"]";
}
