package dev.lanyard.account;

import com.unboundid.scim2.common.types.AttributeDefinition;
import dev.lanyard.scim.AttributePath;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.scim.UserSchema;

import java.util.List;
import java.util.Optional;

/**
 * Sort keys for the attributes kept in the {@code attributes} jsonb: any singular string,
 * boolean or dateTime attribute of the User or Enterprise schema, or a sub-attribute of a
 * singular complex one ({@code name.familyName}). A multi-valued attribute sorts by its primary
 * value, else its first (RFC 7644 §3.4.2.3): {@code emails} by the primary email's value.
 */
final class JsonSortKeys {
    private JsonSortKeys() {}

    static Optional<AccountQuery.SortKey> resolve(String lowerCasePath) {
        AttributePath path = AttributePath.parse(lowerCasePath, ScimJson.USER_SCHEMA, List.of(ScimJson.ENTERPRISE_USER_SCHEMA));
        String[] parts = path.names().toArray(String[]::new);
        if (parts.length == 0) return Optional.empty();  // "." names nothing
        String container = "attributes";
        Optional<AttributeDefinition> top;
        if (path.extensionUrn().isPresent()) {
            top = UserSchema.enterprise(parts[0]);
            container = "attributes -> '" + ScimJson.ENTERPRISE_USER_SCHEMA + "'";
        } else {
            top = UserSchema.core(parts[0]);
        }
        if (top.isEmpty() || parts.length > 2) return Optional.empty();
        AttributeDefinition d = top.get();
        String json = container + " -> '" + d.getName() + "'";
        if (d.isMultiValued()) {
            // multi-valued complex: sort by the primary value (or the first), sub-attribute "value" unless named
            String sub = parts.length == 2 ? parts[1] : "value";
            Optional<AttributeDefinition> s = UserSchema.subAttribute(d, sub);
            if (s.isEmpty()) return Optional.empty();
            String name = s.get().getName();
            String pick = "coalesce((select e ->> '" + name + "' from jsonb_array_elements(" + json + ") e "
                    + "where e ->> 'primary' = 'true' limit 1), " + json + " -> 0 ->> '" + name + "')";
            return Optional.of(text(pick, s.get()));
        }
        if (d.getType() == AttributeDefinition.Type.COMPLEX) {
            if (parts.length != 2) return Optional.empty();
            Optional<AttributeDefinition> s = UserSchema.subAttribute(d, parts[1]);
            if (s.isEmpty() || s.get().isMultiValued()) return Optional.empty();
            return typed(json + " ->> '" + s.get().getName() + "'", s.get());
        }
        if (parts.length != 1) return Optional.empty();
        return typed(container + " ->> '" + d.getName() + "'", d);
    }

    private static Optional<AccountQuery.SortKey> typed(String textSql, AttributeDefinition d) {
        return switch (d.getType()) {
            case STRING, REFERENCE -> Optional.of(text(textSql, d));
            case BOOLEAN -> Optional.of(new AccountQuery.SortKey("(" + textSql + ")::boolean", "boolean", true, "false"));
            case DATETIME -> Optional.of(new AccountQuery.SortKey("(" + textSql + ")::timestamptz", "timestamptz", true, "'-infinity'"));
            case INTEGER, DECIMAL -> Optional.of(new AccountQuery.SortKey("(" + textSql + ")::numeric", "numeric", true, "0"));
            case BINARY, COMPLEX -> Optional.empty();
        };
    }

    private static AccountQuery.SortKey text(String textSql, AttributeDefinition d) {
        return new AccountQuery.SortKey(d.isCaseExact() ? textSql : "lower(" + textSql + ")", "text", true, "''");
    }
}
