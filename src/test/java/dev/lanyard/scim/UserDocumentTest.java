package dev.lanyard.scim;

import static dev.lanyard.scim.ScimTestJson.ENTERPRISE;
import static dev.lanyard.scim.ScimTestJson.USER;
import static dev.lanyard.scim.ScimTestJson.body;
import static dev.lanyard.scim.ScimTestJson.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST and PUT bodies as real IdPs send them (docs/idp-behaviour.md). */
class UserDocumentTest {

    @Test
    void okta_create_body_keeps_profile_and_drops_groups_and_the_placeholder_password() throws Exception {
        // Okta's "Create the User" request: password is a random placeholder even without sync (a.1).
        var doc = UserDocument.parse(body("""
                {'schemas':['%s'],'userName':'Ann.Lee@Example.com',
                 'name':{'givenName':'Ann','familyName':'Lee'},
                 'emails':[{'primary':true,'value':'ann.lee@example.com','type':'work'}],
                 'displayName':'Ann Lee','locale':'en-US','externalId':'00u1abcd',
                 'groups':[],'password':'t1meMa$heen','active':true}""".formatted(USER)));

        assertThat(doc.userName()).isEqualTo("Ann.Lee@Example.com");
        assertThat(doc.externalId()).contains("00u1abcd");
        assertThat(doc.displayName()).contains("Ann Lee");
        assertThat(doc.active()).contains(true);
        assertThat(plain(doc.attributes())).isEqualTo(plain("""
                {'name':{'givenName':'Ann','familyName':'Lee'},
                 'emails':[{'primary':true,'value':'ann.lee@example.com','type':'work'}],
                 'displayName':'Ann Lee','locale':'en-US','externalId':'00u1abcd'}"""));
    }

    @Test
    void okta_put_with_read_only_id_meta_and_groups_ignores_them() throws Exception {
        // Okta's profile update is a full PUT echoing what it read (a.1); RFC 7644 §3.5.1: readOnly is ignored.
        var doc = UserDocument.parse(body("""
                {'schemas':['%s'],'id':'2819c223-7f76-453a-919d-413861904646',
                 'userName':'ann@example.com','name':{'givenName':'Ann','familyName':'Lee'},
                 'active':true,'groups':[{'value':'g1','display':'Sales'}],
                 'meta':{'resourceType':'User','version':'W/\\'3\\'','created':'2026-01-01T00:00:00Z'}}""".formatted(USER)));

        assertThat(plain(doc.attributes())).isEqualTo(plain("{'name':{'givenName':'Ann','familyName':'Lee'}}"));
    }

    @Test
    void the_password_is_never_kept_in_any_letter_case() throws Exception {
        var doc = UserDocument.parse(body("{'userName':'ann@example.com','PASSWORD':'placeholder-123'}"));

        assertThat(plain(doc.attributes())).isEqualTo(plain("{}"));
    }

    @Test
    void unknown_attributes_are_ignored() throws Exception {
        // Entra's Postman suite: a PUT with a misspelled attribute answers 200 and ignores it (b.2).
        var doc = UserDocument.parse(body("""
                {'userName':'ann@example.com','displayNme':'typo','urn:example:custom:1.0:User':{'badge':'7'},
                 'title':'Engineer'}"""));

        assertThat(plain(doc.attributes())).isEqualTo(plain("{'title':'Engineer'}"));
    }

    @Test
    void attribute_names_in_other_letter_case_are_stored_under_their_schema_names() throws Exception {
        // A plain Jackson tree, so the match is UserDocument's own and not the SDK node factory's.
        var sent = (ObjectNode) new ObjectMapper().readTree("""
                {"UserName":"ann@example.com","DisplayName":"Ann Lee","NAME":{"GivenName":"Ann"},
                 "Active":"False","EMAILS":[{"Value":"ann@example.com","Primary":"True"}]}""");

        var doc = UserDocument.parse(sent);

        assertThat(doc.userName()).isEqualTo("ann@example.com");
        assertThat(doc.displayName()).contains("Ann Lee");
        assertThat(doc.active()).contains(false);
        assertThat(plain(doc.attributes())).isEqualTo(plain("""
                {'displayName':'Ann Lee','name':{'givenName':'Ann'},'emails':[{'value':'ann@example.com','primary':true}]}"""));
    }

    @ParameterizedTest(name = "active {0} -> {1}")
    @CsvSource(quoteCharacter = '`', textBlock = """
            true,      true
            false,     false
            'True',    true
            'False',   false
            'TRUE',    true
            'false',   false
            """)
    void active_accepts_booleans_and_the_strings_Entra_sends(String sent, boolean expected) throws Exception {
        var doc = UserDocument.parse(body("{'userName':'ann@example.com','active':" + sent + "}"));

        assertThat(doc.active()).contains(expected);
    }

    @Test
    void active_is_empty_when_the_client_does_not_say() throws Exception {
        assertThat(UserDocument.parse(body("{'userName':'ann@example.com'}")).active()).isEmpty();
        assertThat(UserDocument.parse(body("{'userName':'ann@example.com','active':null}")).active()).isEmpty();
    }

    @Test
    void an_attribute_qualified_with_the_core_schema_urn_is_read_as_the_attribute() throws Exception {
        var doc = UserDocument.parse(body("""
                {'%1$s:userName':'ann@example.com','%1$s:displayName':'Ann'}""".formatted(USER)));

        assertThat(doc.userName()).isEqualTo("ann@example.com");
        assertThat(doc.displayName()).contains("Ann");
    }

    @Test
    void enterprise_extension_attributes_are_kept_under_their_urn_without_read_only_manager_displayName() throws Exception {
        // Entra creates users with the enterprise extension (b.1); manager.displayName is readOnly (RFC 7643 §4.3).
        var doc = UserDocument.parse(body("""
                {'schemas':['%1$s','%2$s'],'userName':'ann@example.com',
                 '%2$s':{'employeeNumber':'701984','Department':'Retail','costCenter':null,
                         'manager':{'value':'26118915-6090-4610-87e4-49d8ca9f808d','displayName':'John Smith'},
                         'unknownThing':'x'}}""".formatted(USER, ENTERPRISE)));

        assertThat(plain(doc.attributes())).isEqualTo(plain("""
                {'%s':{'employeeNumber':'701984','department':'Retail',
                       'manager':{'value':'26118915-6090-4610-87e4-49d8ca9f808d'}}}""".formatted(ENTERPRISE)));
    }

    @Test
    void an_enterprise_extension_with_nothing_to_keep_is_dropped() throws Exception {
        var doc = UserDocument.parse(body("""
                {'userName':'ann@example.com','%s':{'department':null,'division':''}}""".formatted(ENTERPRISE)));

        assertThat(plain(doc.attributes())).isEqualTo(plain("{}"));
    }

    @Test
    void null_empty_string_and_empty_array_mean_absent() throws Exception {
        // Entra's older sample sends null for addresses, phoneNumbers, title, department, manager (b.1).
        var doc = UserDocument.parse(body("""
                {'userName':'ann@example.com','externalId':null,'displayName':'','title':null,
                 'addresses':null,'phoneNumbers':[],'emails':[],'name':{'givenName':null,'familyName':''},
                 'roles':[],'%s':null}""".formatted(ENTERPRISE)));

        assertThat(doc.externalId()).isEmpty();
        assertThat(doc.displayName()).isEmpty();
        assertThat(plain(doc.attributes())).isEqualTo(plain("{}"));
    }

    @Test
    void a_single_value_where_an_array_belongs_is_refused() {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserDocument.parse(body("{'userName':'ann@example.com','emails':{'value':'ann@example.com'}}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail())
                .isEqualTo("emails must be an array of values, got {\"value\":\"ann@example.com\"}");
    }

    @Test
    void the_schemas_list_is_not_stored_as_an_attribute() throws Exception {
        // toScim derives schemas from what is stored; a stored copy would override it on every read,
        // e.g. announce the enterprise extension for a user that has no enterprise data.
        var doc = UserDocument.parse(body("""
                {'schemas':['%s','%s','urn:example:other'],'userName':'ann@example.com','title':'Dev'}"""
                .formatted(USER, ENTERPRISE)));

        assertThat(plain(doc.attributes())).isEqualTo(plain("{'title':'Dev'}"));
        assertThat(plain(UserDocument.toScim(doc.userName(), true, doc.attributes()))).isEqualTo(plain("""
                {'schemas':['%s'],'userName':'ann@example.com','title':'Dev','active':true}""".formatted(USER)));
    }

    @Test
    void toScim_lists_the_enterprise_schema_when_enterprise_data_is_stored() throws Exception {
        var attributes = body("{'displayName':'Ann','%s':{'department':'Retail'}}".formatted(ENTERPRISE));

        var scim = UserDocument.toScim("ann@example.com", false, attributes);

        assertThat(plain(scim)).isEqualTo(plain("""
                {'schemas':['%1$s','%2$s'],'userName':'ann@example.com','displayName':'Ann',
                 '%2$s':{'department':'Retail'},'active':false}""".formatted(USER, ENTERPRISE)));
    }

    @Test
    void toScim_then_parse_gives_back_the_same_document() throws Exception {
        var first = UserDocument.parse(body("""
                {'userName':'ann@example.com','active':false,'externalId':'e-1','name':{'givenName':'Ann'},
                 '%s':{'department':'Retail'}}""".formatted(ENTERPRISE)));

        var again = UserDocument.parse(UserDocument.toScim(first.userName(), first.active().orElseThrow(), first.attributes()));

        assertThat(again.userName()).isEqualTo("ann@example.com");
        assertThat(again.active()).contains(false);
        assertThat(again.externalId()).contains("e-1");
        assertThat(plain(again.attributes())).isEqualTo(plain(first.attributes()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # attribute JSON                                     | detail
            'active':'yes'                                       | active must be a boolean (true or false), got "yes"
            'active':1                                           | active must be a boolean (true or false), got 1
            'displayName':5                                      | displayName must be a string, got 5
            'displayName':['a','b']                              | displayName takes a single value, not an array
            'displayName':{'text':'Ann'}                         | displayName must be a string, got {"text":"Ann"}
            'name':'Ann Lee'                                     | name must be a JSON object, got "Ann Lee"
            'name':{'givenName':false}                           | name.givenName must be a string, got false
            'emails':[{'value':'a@example.com','primary':'yes'}] | emails[0].primary must be a boolean (true or false), got "yes"
            'emails':[5]                                         | emails[0] must be a JSON object, got 5
            'emails':['a@example.com']                           | emails[0] must be a JSON object, got "a@example.com"
            'emails':[null]                                      | emails[0] is null; leave it out instead
            'emails':'a@example.com'                             | emails must be an array of values, got "a@example.com"
            'roles':[[{'value':'r'}]]                            | roles[0] must be a single value, got [{"value":"r"}]
            'active':[true]                                      | active takes a single value, not an array
            'active':[]                                          | active takes a single value, not an array
            'name':[{'givenName':'Ann'}]                         | name takes a single value, not an array
            'password':42                                        | password must be a string, got 42
            'password':['x']                                     | password takes a single value, not an array
            'displayName':['a','b','c']                          | displayName takes a single value, not an array
            'externalId':42                                      | externalId must be a string, got 42
            'profileUrl':true                                    | profileUrl must be a string, got true
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'employeeNumber':701984} | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber must be a string, got 701984
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'manager':7}             | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager must be a JSON object, got 7
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':'Retail'                  | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User must be a JSON object, got "Retail"
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'department':['Retail']} | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department takes a single value, not an array
            """)
    void a_value_of_the_wrong_type_is_invalidValue_naming_the_attribute(String attribute, String detail) {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserDocument.parse(body("{'userName':'ann@example.com'," + attribute + "}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @Test
    void the_manager_as_a_plain_id_is_that_value() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'userName':'ann@example.com',"
                + "'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'manager':'m-1'}}"));

        assertThat(doc.attributes().at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value").asText())
                .isEqualTo("m-1");
    }

    @Test
    void an_empty_string_clears_a_value_of_any_type_and_a_one_element_array_is_its_element() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'userName':'ann@example.com','active':'','name':'',"
                + "'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'manager':[{'value':'m-2'}],'department':''}}"));

        assertThat(doc.active()).isEmpty();
        assertThat(doc.attributes().has("name")).isFalse();
        assertThat(doc.attributes().at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value").asText())
                .isEqualTo("m-2");
        assertThat(doc.attributes().at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department").isMissingNode()).isTrue();
    }

    @Test
    void only_the_first_primary_value_stays_primary() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'userName':'ann@example.com','emails':[{'value':'a@x.com','primary':true},"
                + "{'value':'b@x.com','primary':'True'}]}"));

        assertThat(doc.attributes().at("/emails/0/primary").asBoolean()).isTrue();
        assertThat(doc.attributes().at("/emails/1/primary").asBoolean()).isFalse();
    }

    @Test
    void onelogins_scim_1_1_core_schema_urn_is_accepted() throws Exception {
        UserDocument doc = UserDocument.parse(body("{'schemas':['urn:scim:schemas:core:1.0'],'userName':'ann@example.com'}"));

        assertThat(doc.userName()).isEqualTo("ann@example.com");
    }

    @Test
    void a_long_wrong_value_is_shortened_in_the_message() {
        String sent = "x".repeat(100);

        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserDocument.parse(body("{'userName':'ann@example.com','active':'" + sent + "'}")));

        assertThat(e.getScimError().getDetail())
                .isEqualTo("active must be a boolean (true or false), got \"" + "x".repeat(57) + "...\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {'displayName':'Ann'}
            {'userName':null}
            {'userName':''}
            {'userName':'   '}
            """)
    void a_missing_userName_is_invalidValue(String json) {
        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(body(json)));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail()).isEqualTo("userName is required");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            'schemas':'urn:ietf:params:scim:schemas:core:2.0:User' | schemas must be an array of schema URNs
            'schemas':[1]                                          | schemas must be an array of schema URNs
            'schemas':['urn:example:Other']                        | schemas must contain urn:ietf:params:scim:schemas:core:2.0:User
            'schemas':[]                                           | schemas must contain urn:ietf:params:scim:schemas:core:2.0:User
            'schemas':null                                         | schemas must be an array of schema URNs
            """)
    void a_schemas_list_without_the_core_User_schema_is_invalidSyntax(String schemas, String detail) {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserDocument.parse(body("{" + schemas + ",'userName':'ann@example.com'}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidSyntax");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @Test
    void the_core_schema_urn_is_matched_in_any_letter_case() throws Exception {
        var doc = UserDocument.parse(body("{'schemas':['" + USER.toUpperCase() + "'],'userName':'ann@example.com'}"));

        assertThat(doc.userName()).isEqualTo("ann@example.com");
    }

    @Test
    void a_body_that_is_not_an_object_is_invalidSyntax() {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserDocument.parse(JsonNodeFactory.instance.arrayNode()));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidSyntax");
        assertThat(e.getScimError().getDetail()).isEqualTo("the request body must be a JSON object (a SCIM User)");
        assertThat(catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(null))
                .getScimError().getScimType()).isEqualTo("invalidSyntax");
    }

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource(delimiter = '|', textBlock = """
            displayName | 512
            externalId  | 512
            title       | 2048
            nickName    | 2048
            profileUrl  | 2048
            """)
    void strings_longer_than_their_limit_are_refused(String attribute, int limit) throws Exception {
        UserDocument.parse(body("{'userName':'ann@example.com','" + attribute + "':'" + "x".repeat(limit) + "'}"));

        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(
                body("{'userName':'ann@example.com','" + attribute + "':'" + "x".repeat(limit + 1) + "'}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail())
                .isEqualTo(attribute + " is " + (limit + 1) + " characters long; at most " + limit + " are accepted");
    }

    @Test
    void an_email_value_is_limited_like_the_indexed_strings() {
        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(
                body("{'userName':'ann@example.com','emails':[{'value':'" + "x".repeat(513) + "'}]}")));

        assertThat(e.getScimError().getDetail()).isEqualTo("emails[0].value is 513 characters long; at most 512 are accepted");
    }

    @Test
    void more_than_100_values_of_one_attribute_are_refused() throws Exception {
        String hundred = "{'value':'r'},".repeat(100);
        UserDocument.parse(body("{'userName':'ann@example.com','roles':[" + hundred.substring(0, hundred.length() - 1) + "]}"));

        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(
                body("{'userName':'ann@example.com','roles':[" + hundred + "{'value':'r'}]}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail()).isEqualTo("roles has 101 values; at most 100 are accepted");
    }

    @Test
    void one_attribute_in_two_letter_cases_is_refused() throws Exception {
        // A plain Jackson tree: the SCIM mapper's case-insensitive objects would keep only the last one.
        var sent = (ObjectNode) new ObjectMapper().readTree("{\"userName\":\"ann@example.com\",\"displayName\":\"a\",\"DisplayName\":\"b\"}");

        var e = catchThrowableOfType(BadRequestException.class, () -> UserDocument.parse(sent));

        assertThat(e.getScimError().getDetail()).isEqualTo("displayName is given twice (as \"displayName\" and "
                + "\"DisplayName\"); attribute names ignore letter case, so only one can be kept");
    }
}
