package dev.lanyard.account;

import dev.lanyard.storage.SqlFilter;
import dev.lanyard.storage.SqlFilter.Column;
import dev.lanyard.storage.SqlFilter.Kind;

import java.util.Map;
import java.util.Optional;

/**
 * The SCIM User attributes a filter may use, and the indexed column behind each (see
 * V1__core.sql). Case follows the schema: userName, displayName and emails.value are
 * caseExact false; externalId is caseExact true (RFC 7643 §3.1, §4.1).
 */
public final class AccountColumns implements SqlFilter.ColumnMap {
    public static final AccountColumns INSTANCE = new AccountColumns();

    /** For error messages: what a client may filter on today. */
    public static final String SUPPORTED = "userName, externalId, id, displayName, emails.value (emails), active "
            + "with eq (ne, co, sw, ew, pr on the strings), combined with and, or, not";

    private static final Map<String, Column> COLUMNS = Map.of(
            "username", new Column("email", Kind.TEXT_IGNORE_CASE),
            "externalid", new Column("external_id", Kind.TEXT_EXACT),
            "id", new Column("scim_id", Kind.UUID),
            "displayname", new Column("display_name", Kind.TEXT_IGNORE_CASE),
            "emails.value", new Column("scim_email_values(attributes)", Kind.TEXT_ARRAY_IGNORE_CASE),
            "emails", new Column("scim_email_values(attributes)", Kind.TEXT_ARRAY_IGNORE_CASE),
            "active", new Column("(status = 'active')", Kind.BOOLEAN));

    private AccountColumns() {}

    /** Attributes a client may sortBy, lower-cased, and the expression behind each. */
    private static final Map<String, AccountQuery.SortKey> SORT_KEYS = Map.ofEntries(
            Map.entry("username", new AccountQuery.SortKey("lower(email)", "text", false, "''")),
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
    public static java.util.Optional<AccountQuery.SortKey> sortKey(String lowerCasePath) {
        AccountQuery.SortKey known = SORT_KEYS.get(lowerCasePath);
        if (known != null) return java.util.Optional.of(known);
        return JsonSortKeys.resolve(lowerCasePath);
    }

    @Override
    public Optional<Column> column(String lowerCasePath) {
        return Optional.ofNullable(COLUMNS.get(lowerCasePath));
    }
}
