package dev.lanyard.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.lanyard.scim.ScimTestJson.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One test per IdP quirk Lanyard accepts, each naming where the behaviour is documented
 * (docs/idp-behaviour.md has the sources).
 */
class IdpQuirksTest {
    static final String ID = "2819c223-7f76-453a-919d-413861904646";

    @Test
    @DisplayName("Entra: capitalised ops (docs/idp-behaviour.md E2)")
    void entra_capitalised_ops_are_read_as_rfc_ops() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','title':'A'}", "[{'op':'Replace','path':'title','value':'B'},{'op':'Add','path':'nickName','value':'N'}]");
        assertThat(out.get("title").asText()).isEqualTo("B");
        assertThat(out.get("nickName").asText()).isEqualTo("N");
    }

    @Test
    @DisplayName("Entra: active as the string \"False\" (application-provisioning-config-problem-scim-compatibility.md)")
    void entra_string_booleans_are_booleans() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','active':true}", "[{'op':'Replace','path':'active','value':'False'}]");
        assertThat(UserDocument.parse(out).active()).contains(false);
    }

    @Test
    @DisplayName("Entra aadOptscim062020: dotted keys in a no-path replace (compatibility doc; scim-for-keycloak issue 26)")
    void entra_dotted_keys_in_a_no_path_value_are_paths() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','name':{'givenName':'A'}}",
                "[{'op':'replace','value':{'name.givenName':'B','" + ScimJson.ENTERPRISE_USER_SCHEMA + ":employeeNumber':'7'}}]");
        UserDocument doc = UserDocument.parse(out);
        assertThat(doc.attributes().at("/name/givenName").asText()).isEqualTo("B");
        assertThat(doc.attributes().at("/" + ScimJson.ENTERPRISE_USER_SCHEMA + "/employeeNumber").asText()).isEqualTo("7");
    }

    @Test
    @DisplayName("Entra: Add to emails[type eq \"work\"].value with no work email creates it (learn.microsoft.com answers 1684621)")
    void entra_add_to_a_missing_value_path_creates_the_value() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com'}", "[{'op':'Add','path':'emails[type eq \\\"work\\\"].value','value':'w@x.com'}]");
        assertThat(out.at("/emails/0/type").asText()).isEqualTo("work");
        assertThat(out.at("/emails/0/value").asText()).isEqualTo("w@x.com");
    }

    @Test
    @DisplayName("Entra legacy: Replace on an unmatched value path behaves as add (sourcegraph PR 49200); lower-case replace stays noTarget (RFC 7644 §3.5.2.3)")
    void entra_legacy_replace_on_an_unmatched_value_path_creates_it_but_replace_is_noTarget() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com'}", "[{'op':'Replace','path':'phoneNumbers[type eq \\\"mobile\\\"].value','value':'+1 555'}]");
        assertThat(out.at("/phoneNumbers/0/value").asText()).isEqualTo("+1 555");
        var e = catchThrowableOfType(BadRequestException.class,
                () -> patch("{'userName':'a@x.com'}", "[{'op':'replace','path':'phoneNumbers[type eq \\\"mobile\\\"].value','value':'+1 555'}]"));
        assertThat(e.getScimError().getScimType()).isEqualTo("noTarget");
    }

    @Test
    @DisplayName("Entra: the manager as a plain id, and cleared with \"\" (laravel-scim-server issue 34; AZ-REF validation test 25)")
    void entra_manager_as_a_string_and_cleared_with_an_empty_string() throws Exception {
        String path = ScimJson.ENTERPRISE_USER_SCHEMA + ":manager";
        ObjectNode set = patch("{'userName':'a@x.com'}", "[{'op':'Add','path':'" + path + "','value':'m-1'}]");
        assertThat(UserDocument.parse(set).attributes().at("/" + ScimJson.ENTERPRISE_USER_SCHEMA + "/manager/value").asText()).isEqualTo("m-1");
        ObjectNode cleared = patch("{'userName':'a@x.com','" + ScimJson.ENTERPRISE_USER_SCHEMA + "':{'manager':{'value':'m-1'}}}",
                "[{'op':'Replace','path':'" + path + "','value':''}]");
        assertThat(UserDocument.parse(cleared).attributes().has(ScimJson.ENTERPRISE_USER_SCHEMA)).isFalse();
    }

    @Test
    @DisplayName("Entra validator: null clears an attribute (AZ-REF SCIM-Validation-Test-Overview.md)")
    void a_null_patch_value_clears_the_attribute() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','title':'A'}", "[{'op':'replace','path':'title','value':null}]");
        assertThat(out.has("title")).isFalse();
    }

    @Test
    @DisplayName("Entra: emails[type eq \"work\"].value eq \"x\" as a filter (MicrosoftDocs '/Users' guidelines)")
    void entra_sub_attribute_after_a_value_path_in_a_filter() throws Exception {
        assertThat(IdpQuirks.normaliseFilter("emails[type eq \"work\"].value eq \"x@y.com\""))
                .isEqualTo("emails[type eq \"work\" and value eq \"x@y.com\"]");
        assertThat(ScimFilters.parse("emails[type eq \"work\"].value eq \"x@y.com\"").toString())
                .isEqualTo("emails[(type eq \"work\" and value eq \"x@y.com\")]");
    }

    @Test
    @DisplayName("Entra docs and legacy Postman suite: unquoted filter values (AZ-REF PostmanCollection.json)")
    void unquoted_filter_values_are_strings() throws Exception {
        assertThat(IdpQuirks.normaliseFilter("externalId eq jyoung")).isEqualTo("externalId eq \"jyoung\"");
        assertThat(IdpQuirks.normaliseFilter("name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)"))
                .isEqualTo("name.FamilyName eq \"Employee\" and (emails.Value co \"example.com\" or emails.Value co \"example.org\")");
        assertThat(IdpQuirks.normaliseFilter("active eq true and title pr")).isEqualTo("active eq true and title pr");
    }

    @Test
    @DisplayName("OneLogin: SCIM 1.1 core URN in templates (docs/idp-behaviour.md G1)")
    void onelogin_legacy_core_urn() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'schemas':['urn:scim:schemas:core:1.0'],'userName':'a@x.com','active':'true'}"));
        assertThat(doc.userName()).isEqualTo("a@x.com");
        assertThat(doc.active()).contains(true);
    }

    @Test
    @DisplayName("Entra validator: primary sent as a string (techcommunity SCIM validator thread)")
    void primary_as_a_string() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'userName':'a@x.com','emails':[{'value':'a@x.com','primary':'True'}]}"));
        assertThat(doc.attributes().at("/emails/0/primary").booleanValue()).isTrue();
    }

    @Test
    @DisplayName("Okta: deactivation as a no-path replace (okta-developer-docs scim-20 'Update a specific User (PATCH)')")
    void okta_no_path_replace_of_active() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','active':true}", "[{'op':'replace','value':{'active':false}}]");
        assertThat(UserDocument.parse(out).active()).contains(false);
    }

    @Test
    @DisplayName("Entra: Add on emails[type eq \"work\"].value when a work email exists replaces it (docs/idp-behaviour.md E5; RFC 7644 §3.5.2.1)")
    void entra_add_to_an_existing_work_email_replaces_it() throws Exception {
        ObjectNode out = patch("{'userName':'a@x.com','emails':[{'type':'work','value':'old@x.com'}]}",
                "[{'op':'Add','path':'emails[type eq \\\"work\\\"].value','value':'new@x.com'}]");
        assertThat(out.get("emails")).hasSize(1);
        assertThat(out.at("/emails/0/value").asText()).isEqualTo("new@x.com");
    }

    @Test
    @DisplayName("Entra: the manager as a one-element array (docs/idp-behaviour.md E6); any other singular attribute given an array is refused")
    void entra_manager_as_a_one_element_array_and_nothing_else() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'userName':'a@x.com','" + ScimJson.ENTERPRISE_USER_SCHEMA
                + "':{'manager':[{'value':'m-1'}]}}"));
        assertThat(doc.attributes().at("/" + ScimJson.ENTERPRISE_USER_SCHEMA + "/manager/value").asText()).isEqualTo("m-1");
        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(body("{'userName':'a@x.com','"
                + ScimJson.ENTERPRISE_USER_SCHEMA + "':{'department':['Retail']}}")));
        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
    }

    @Test
    @DisplayName("Entra: unquoted filter values only in the documented shapes (docs/idp-behaviour.md E8); stray quotes are not guessed at")
    void unquoted_values_with_quotes_or_brackets_are_not_rewritten() {
        assertThat(IdpQuirks.normaliseFilter("userName eq a\"")).isEqualTo("userName eq a\"");
        var e = catchThrowableOfType(BadRequestException.class, () -> ScimFilters.parse("userName eq a\""));
        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
    }

    private static ObjectNode patch(String user, String operations) throws Exception {
        var request = UserPatch.parse(body("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':" + operations + "}"));
        return UserPatch.apply(body(user), request, ID);
    }
}
