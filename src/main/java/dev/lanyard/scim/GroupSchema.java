package dev.lanyard.scim;

import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.AttributeDefinition.Mutability;
import com.unboundid.scim2.common.types.AttributeDefinition.Returned;
import com.unboundid.scim2.common.types.AttributeDefinition.Type;
import com.unboundid.scim2.common.types.AttributeDefinition.Uniqueness;
import com.unboundid.scim2.common.types.SchemaResource;

import java.util.List;

/**
 * The Group schema (RFC 7643 §4.2, §8.7.1) as this server implements it, for /Schemas: what it
 * says is what {@link GroupDocument} and {@link GroupPatch} check. It differs from the RFC's
 * example where the server is stricter: displayName is unique ("server"), and members are Users
 * only ({@code type} has the one canonical value "User": no nested groups).
 */
public final class GroupSchema {
    public static final SchemaResource CORE = new SchemaResource(ScimJson.GROUP_SCHEMA, "Group", "Group", List.of(
            new AttributeDefinition.Builder().setName("displayName").setType(Type.STRING)
                    .setDescription("A human-readable name for the Group; unique in the organization, in any letter case. REQUIRED.")
                    .setRequired(true).setCaseExact(false).setMutability(Mutability.READ_WRITE)
                    .setReturned(Returned.DEFAULT).setUniqueness(Uniqueness.SERVER).build(),
            new AttributeDefinition.Builder().setName("members").setType(Type.COMPLEX).setMultiValued(true)
                    .setDescription("The Users of the organization in the Group (no nested Groups). A GET streams all of "
                            + "them; use excludedAttributes=members when they are not needed.")
                    .setMutability(Mutability.READ_WRITE).setReturned(Returned.DEFAULT).setUniqueness(Uniqueness.NONE)
                    .addSubAttributes(
                            new AttributeDefinition.Builder().setName("value").setType(Type.STRING)
                                    .setDescription("The id of the member User").setCaseExact(false)
                                    .setMutability(Mutability.IMMUTABLE).setReturned(Returned.DEFAULT).setUniqueness(Uniqueness.NONE).build(),
                            new AttributeDefinition.Builder().setName("$ref").setType(Type.REFERENCE).addReferenceTypes("User")
                                    .setDescription("The URI of the member User").setCaseExact(false)
                                    .setMutability(Mutability.IMMUTABLE).setReturned(Returned.DEFAULT).setUniqueness(Uniqueness.NONE).build(),
                            new AttributeDefinition.Builder().setName("type").setType(Type.STRING).addCanonicalValues("User")
                                    .setDescription("The member's type: always User").setCaseExact(false)
                                    .setMutability(Mutability.IMMUTABLE).setReturned(Returned.DEFAULT).setUniqueness(Uniqueness.NONE).build())
                    .build()));

    private GroupSchema() {}
}
