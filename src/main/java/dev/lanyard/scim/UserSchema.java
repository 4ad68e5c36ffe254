package dev.lanyard.scim;

import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.SchemaUtils;

import java.beans.IntrospectionException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The User schema (RFC 7643 §4.1) and the Enterprise User extension (§4.3), as the SCIM SDK
 * defines them from its annotated types. One definition serves validation, the
 * {@code /Schemas} document and filter translation, so what we advertise is what we check.
 */
public final class UserSchema {
    public static final SchemaResource CORE = load(UserResource.class);
    public static final SchemaResource ENTERPRISE = load(EnterpriseUserExtension.class);

    /** The User's own attributes plus the common ones every resource has (id, externalId, meta; RFC 7643 §3.1). */
    private static final Map<String, AttributeDefinition> CORE_BY_NAME = byName(java.util.stream.Stream.concat(
            CORE.getAttributes().stream(), SchemaUtils.COMMON_ATTRIBUTE_DEFINITIONS.stream()).toList());
    private static final Map<String, AttributeDefinition> ENTERPRISE_BY_NAME = byName(ENTERPRISE.getAttributes());

    private UserSchema() {}

    /** A top-level core attribute by name, any letter case (attribute names are case-insensitive, RFC 7643 §2.1). */
    public static Optional<AttributeDefinition> core(String name) {
        return Optional.ofNullable(CORE_BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    public static Optional<AttributeDefinition> enterprise(String name) {
        return Optional.ofNullable(ENTERPRISE_BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    public static Optional<AttributeDefinition> subAttribute(AttributeDefinition parent, String name) {
        Collection<AttributeDefinition> subs = parent.getSubAttributes();
        if (subs == null) return Optional.empty();
        return subs.stream().filter(d -> d.getName().equalsIgnoreCase(name)).findFirst();
    }

    private static Map<String, AttributeDefinition> byName(Collection<AttributeDefinition> defs) {
        Map<String, AttributeDefinition> map = new TreeMap<>();
        for (AttributeDefinition d : defs) map.put(d.getName().toLowerCase(Locale.ROOT), d);
        return Map.copyOf(map);
    }

    private static SchemaResource load(Class<?> type) {
        try {
            return SchemaUtils.getSchema(type);
        } catch (IntrospectionException e) {
            throw new IllegalStateException("the SCIM SDK's schema for " + type.getSimpleName() + " cannot be read", e);
        }
    }
}
