package dev.lanyard.scim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One reading of an attribute path (RFC 7644 §3.10) for bodies, PATCH, sortBy, filters and projection. */
class AttributePathTest {
    private static final String CORE = ScimJson.USER_SCHEMA;
    private static final String ENT = ScimJson.ENTERPRISE_USER_SCHEMA;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "userName                                                                 | ''  | userName",
            "name.familyName                                                          | ''  | name,familyName",
            "urn:ietf:params:scim:schemas:core:2.0:User:userName                      | ''  | userName",
            "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name.givenName                | ''  | name,givenName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value | ent | manager,value",
            "urn:ietf:params:scim:schemas:core:2.0:User:urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | ent | department",
    })
    void splits_a_path_into_its_extension_and_names(String text, String extension, String names) {
        AttributePath p = AttributePath.parse(text, CORE, List.of(ENT));
        assertThat(p.extensionUrn()).isEqualTo(extension.isEmpty() ? Optional.empty() : Optional.of(text.substring(
                text.toLowerCase().indexOf(ENT.toLowerCase()), text.toLowerCase().indexOf(ENT.toLowerCase()) + ENT.length())));
        assertThat(p.names()).containsExactly(names.split(","));
    }

    @Test
    void the_core_urn_is_dropped_only_when_an_attribute_follows() {
        assertThat(AttributePath.withoutCoreUrn(CORE + ":displayName", CORE)).isEqualTo("displayName");
        assertThat(AttributePath.withoutCoreUrn(CORE.toUpperCase() + ":displayName", CORE)).isEqualTo("displayName");
        assertThat(AttributePath.withoutCoreUrn(CORE + ":", CORE)).isEqualTo(CORE + ":");
        assertThat(AttributePath.withoutCoreUrn(CORE + "x:displayName", CORE)).isEqualTo(CORE + "x:displayName");
        assertThat(AttributePath.withoutCoreUrn("displayName", CORE)).isEqualTo("displayName");
    }

    @Test
    void a_parsed_paths_urn_is_an_extension_unless_it_is_a_core_one() {
        assertThat(AttributePath.extension(null, List.of(CORE))).isEmpty();
        assertThat(AttributePath.extension(CORE.toLowerCase(), List.of(CORE))).isEmpty();
        assertThat(AttributePath.extension(ScimJson.GROUP_SCHEMA, List.of(CORE, ScimJson.GROUP_SCHEMA))).isEmpty();
        assertThat(AttributePath.extension(ENT, List.of(CORE))).contains(ENT);
    }
}
