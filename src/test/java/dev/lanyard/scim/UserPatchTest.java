package dev.lanyard.scim;

import static dev.lanyard.scim.ScimTestJson.ENTERPRISE;
import static dev.lanyard.scim.ScimTestJson.USER;
import static dev.lanyard.scim.ScimTestJson.any;
import static dev.lanyard.scim.ScimTestJson.body;
import static dev.lanyard.scim.ScimTestJson.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOpType;
import com.unboundid.scim2.common.messages.PatchOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PATCH as UserRoutes runs it: {@link UserPatch#parse}, {@link UserPatch#apply} to the stored user
 * rendered by {@link UserDocument#toScim}, then {@link UserDocument#parse} of the result.
 * Operations are written with single quotes for double quotes; {@code \\'} is an escaped quote.
 */
class UserPatchTest {
    private static final String ID = "2819c223-7f76-453a-919d-413861904646";
    private static final String ENT = ENTERPRISE;

    /** The stored user every case starts from. */
    private static ObjectNode current() {
        ObjectNode attributes = body("""
                {'name':{'givenName':'Ann','familyName':'Lee'},
                 'emails':[{'value':'ann@example.com','type':'work','primary':true}],
                 'displayName':'Ann Lee','title':'Engineer','%s':{'department':'Sales'}}""".formatted(ENT));
        return UserDocument.toScim("ann@example.com", true, attributes);
    }

    private static JsonNode currentRendered() {
        return plain(current());
    }

    private static UserDocument patched(String operations) throws ScimException {
        var patch = UserPatch.parse(body("{'schemas':['" + ScimJson.PATCH_OP + "'],'Operations':[" + operations + "]}"));
        return UserDocument.parse(UserPatch.apply(current(), patch, ID));
    }

    /** The patched user as the next GET would render it (without id and meta). */
    private static JsonNode rendered(UserDocument doc) {
        return plain(UserDocument.toScim(doc.userName(), doc.active().orElseThrow(), doc.attributes()));
    }

    private static ScimException refusal(String operations) {
        return catchThrowableOfType(ScimException.class, () -> patched(operations));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # case                                  | operation                                                                  | pointer        | expected
            Okta deactivation has no path           | {'op':'replace','value':{'active':false}}                                 | /active         | false
            Entra Replace with the string False     | {'op':'Replace','path':'active','value':'False'}                          | /active         | false
            Entra with aadOptscim062020             | {'op':'replace','path':'active','value':false}                            | /active         | false
            op in upper case                        | {'op':'REPLACE','path':'active','value':'false'}                          | /active         | false
            Entra family name                       | {'op':'Replace','path':'name.familyName','value':'Smith'}                 | /name           | {'givenName':'Ann','familyName':'Smith'}
            Entra work email by value filter        | {'op':'Replace','path':'emails[type eq \\'work\\'].value','value':'ann.lee@example.com'} | /emails | [{'value':'ann.lee@example.com','type':'work','primary':true}]
            Entra primary as a string               | {'op':'Replace','path':'emails[type eq \\'work\\'].primary','value':'False'} | /emails     | [{'value':'ann@example.com','type':'work','primary':false}]
            Entra add of a first home email         | {'op':'Add','path':'emails[type eq \\'home\\'].value','value':'h@example.com'} | /emails/1 | {'value':'h@example.com','type':'home'}
            add to a multi-valued attribute appends | {'op':'add','path':'emails','value':[{'value':'h@example.com','type':'home','primary':'False'}]} | /emails/1 | {'value':'h@example.com','type':'home','primary':false}
            Entra userName change                   | {'op':'Replace','path':'userName','value':'ann.lee@example.com'}          | /userName       | 'ann.lee@example.com'
            path in other letter case               | {'op':'replace','path':'Name.GivenName','value':'Anne'}                   | /name           | {'givenName':'Anne','familyName':'Lee'}
            no-path key in other letter case        | {'op':'replace','value':{'DisplayName':'A. Lee'}}                         | /displayName    | 'A. Lee'
            replace of a complex keeps the rest     | {'op':'replace','path':'name','value':{'givenName':'Bo'}}                 | /name           | {'givenName':'Bo','familyName':'Lee'}
            add of a sub-attribute                  | {'op':'add','path':'name.middleName','value':'M'}                         | /name           | {'givenName':'Ann','familyName':'Lee','middleName':'M'}
            replace of an absent attribute adds it  | {'op':'replace','path':'externalId','value':'ext-1'}                      | /externalId     | 'ext-1'
            core-URN-qualified path                 | {'op':'replace','path':'urn:ietf:params:scim:schemas:core:2.0:User:displayName','value':'Urn Lee'} | /displayName | 'Urn Lee'
            Entra enterprise attribute by URN path  | {'op':'Add','path':'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber','value':'701984'} | /urn:ietf:params:scim:schemas:extension:enterprise:2.0:User | {'department':'Sales','employeeNumber':'701984'}
            Entra manager drops read-only displayName | {'op':'Add','path':'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager','value':{'value':'m-1','displayName':'Boss'}} | /urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager | {'value':'m-1'}
            no-path enterprise object merges        | {'op':'replace','value':{'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'division':'EMEA'}}} | /urn:ietf:params:scim:schemas:extension:enterprise:2.0:User | {'department':'Sales','division':'EMEA'}
            """)
    void one_operation_changes_one_attribute(String name, String operation, String pointer, String expected) throws Exception {
        JsonNode after = rendered(patched(operation));

        assertThat(after.at(pointer)).isEqualTo(plain(expected));
        // and nothing else moved
        ObjectNode rest = (ObjectNode) after.deepCopy();
        ObjectNode before = (ObjectNode) currentRendered().deepCopy();
        String top = pointer.substring(1).split("/")[0];
        rest.remove(top);
        before.remove(top);
        assertThat(rest).isEqualTo(before);
    }

    @Test
    void okta_deactivation_without_a_path_changes_only_active() throws Exception {
        var doc = patched("{'op':'replace','value':{'active':false}}");

        assertThat(doc.active()).contains(false);
        assertThat(doc.userName()).isEqualTo("ann@example.com");
        assertThat(plain(doc.attributes())).isEqualTo(plain(UserDocument.parse(current()).attributes()));
    }

    @Test
    void patch_with_string_False_deactivates_the_account() throws Exception {
        assertThat(patched("{'op':'Replace','path':'active','value':'False'}").active()).contains(false);
    }

    @Test
    void entra_dotted_keys_in_a_no_path_replace_reach_their_attributes() throws Exception {
        // Entra with aadOptscim062020 puts sub-attribute paths and URN-qualified names inside one
        // no-path value (docs/idp-behaviour.md E4).
        var doc = patched("""
                {'op':'replace','value':{'displayName':'Bo Lee','name.givenName':'Bo',
                 'emails[type eq \\'work\\'].value':'bo@example.com',
                 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber':'701984'}}""");

        assertThat(rendered(doc)).isEqualTo(plain("""
                {'schemas':['%1$s','%2$s'],'userName':'ann@example.com',
                 'name':{'givenName':'Bo','familyName':'Lee'},
                 'emails':[{'value':'bo@example.com','type':'work','primary':true}],
                 'displayName':'Bo Lee','title':'Engineer','%2$s':{'department':'Sales','employeeNumber':'701984'},
                 'active':true}""".formatted(USER, ENT)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # case                              | operation                                                   | pointer
            remove by path                      | {'op':'remove','path':'displayName'}                        | /displayName
            Entra Remove                        | {'op':'Remove','path':'title'}                              | /title
            replace with null clears            | {'op':'replace','path':'title','value':null}                | /title
            add with null clears                | {'op':'add','path':'name.familyName','value':null}          | /name/familyName
            Entra replace with empty string     | {'op':'Replace','path':'title','value':''}                  | /title
            no-path replace with null           | {'op':'replace','value':{'title':null}}                     | /title
            dotted no-path key with null        | {'op':'replace','value':{'name.familyName':null}}           | /name/familyName
            remove by value filter              | {'op':'remove','path':'emails[type eq \\'work\\']'}        | /emails
            remove of an absent attribute       | {'op':'remove','path':'nickName'}                           | /nickName
            remove the last enterprise value    | {'op':'remove','path':'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'} | /urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
            """)
    void an_attribute_removed_or_set_to_null_is_absent(String name, String operation, String pointer) throws Exception {
        JsonNode after = rendered(patched(operation));

        assertThat(after.at(pointer).isMissingNode()).as(after.toString()).isTrue();
        assertThat(after.get("userName").asText()).isEqualTo("ann@example.com");
    }

    @Test
    void removing_the_last_enterprise_value_drops_the_enterprise_schema() throws Exception {
        var after = rendered(patched("{'op':'remove','path':'" + ENT + ":department'}"));

        assertThat(after.get("schemas")).isEqualTo(plain("['" + USER + "']"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            Okta-style password sync              | {'op':'replace','value':{'password':'n3w-Secret'}}
            password by path                      | {'op':'replace','path':'password','value':'n3w-Secret'}
            no-path value echoing the current id  | {'op':'replace','value':{'id':'2819c223-7f76-453a-919d-413861904646'}}
            """)
    void what_Lanyard_does_not_store_leaves_the_user_unchanged(String name, String operation) throws Exception {
        assertThat(rendered(patched(operation))).isEqualTo(currentRendered());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # case                          | operations                                                         | scimType     | detail
            remove without path             | {'op':'remove'}                                                    | noTarget     | Operations[0] is a remove without a path; name the attribute to remove
            Entra Remove with blank path    | {'op':'Remove','path':' '}                                         | noTarget     | Operations[0] is a remove without a path; name the attribute to remove
            value filter matching nothing   | {'op':'replace','path':'emails[type eq \\'home\\'].value','value':'h@example.com'} | noTarget | Attribute emails does not have a value matching the filter type eq "home"
            remove id                       | {'op':'remove','path':'id'}                                        | mutability   | id is read-only and cannot be changed by PATCH
            replace meta sub-attribute      | {'op':'replace','path':'meta.created','value':'2020-01-01T00:00:00Z'} | mutability | meta is read-only and cannot be changed by PATCH
            add groups                      | {'op':'add','path':'Groups','value':[{'value':'g1'}]}              | mutability   | Groups is read-only and cannot be changed by PATCH
            core-URN groups                 | {'op':'add','path':'urn:ietf:params:scim:schemas:core:2.0:User:groups','value':[{'value':'g1'}]} | mutability | groups is read-only and cannot be changed by PATCH
            no-path groups                  | {'op':'replace','value':{'groups':[]}}                             | mutability   | groups is read-only and cannot be changed by PATCH
            no-path other id                | {'op':'replace','value':{'id':'00000000-0000-0000-0000-000000000000'}} | mutability | id is read-only and cannot be changed by PATCH
            no-path meta                    | {'op':'replace','value':{'meta':{'version':'W/\\'9\\''}}}          | mutability   | meta is read-only and cannot be changed by PATCH
            dotted no-path meta             | {'op':'replace','value':{'meta.version':'W/\\'9\\''}}              | mutability   | meta is read-only and cannot be changed by PATCH
            string False is not a name      | {'op':'replace','path':'displayName','value':false}                | invalidValue | displayName must be a string, got false
            active that is not a boolean    | {'op':'Replace','path':'active','value':'maybe'}                   | invalidValue | active must be a boolean (true or false), got "maybe"
            active as a number              | {'op':'replace','value':{'active':0}}                              | invalidValue | active must be a boolean (true or false), got 0
            array for a single value        | {'op':'replace','path':'displayName','value':['a','b']}            | invalidValue | displayName takes a single value, not an array
            sub-attribute of the wrong type | {'op':'replace','path':'name.givenName','value':7}                 | invalidValue | name.givenName must be a string, got 7
            enterprise wrong type           | {'op':'add','path':'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber','value':701984} | invalidValue | urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber must be a string, got 701984
            removing userName               | {'op':'remove','path':'userName'}                                  | mutability   | Operations[0] removes userName, which every user must have
            removing active                 | {'op':'remove','path':'active'}                                    | mutability   | Operations[0] removes active, which every user must have; to deactivate the user, replace active with false
            all or nothing                  | {'op':'replace','path':'displayName','value':'Ok'},{'op':'remove','path':'id'} | mutability | id is read-only and cannot be changed by PATCH
            """)
    void a_refused_operation_names_its_scimType_and_what_to_fix(String name, String operations, String scimType, String detail) {
        var e = refusal(operations);

        assertThat(e).isInstanceOf(BadRequestException.class);
        assertThat(e.getScimError().getStatus()).isEqualTo(400);
        assertThat(e.getScimError().getScimType()).isEqualTo(scimType);
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # case                  | body                                                                 | detail
            an array                | []                                                                   | the request body must be a JSON object (a SCIM PatchOp)
            no Operations           | {'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp']}        | a PatchOp needs a non-empty "Operations" array
            empty Operations        | {'Operations':[]}                                                    | a PatchOp needs a non-empty "Operations" array
            Operations not an array | {'Operations':{'op':'replace','value':{'active':false}}}             | a PatchOp needs a non-empty "Operations" array
            an operation not object | {'Operations':['replace']}                                           | Operations[0] must be a JSON object
            op missing              | {'Operations':[{'path':'active','value':false}]}                     | Operations[0] needs "op": add, remove or replace
            op not a string         | {'Operations':[{'op':1,'path':'active','value':false}]}              | Operations[0] needs "op": add, remove or replace
            op unknown              | {'Operations':[{'op':'move','path':'active','value':false}]}         | Operations[0].op must be add, remove or replace, got "move"
            JSON Patch op           | {'Operations':[{'op':'replace','value':{}},{'op':'test','path':'a'}]} | Operations[1].op must be add, remove or replace, got "test"
            op index is the client's | {'Operations':[{'op':'replace','value':{'name.givenName':'Bo','title':'T'}},{'op':'Move','path':'a'}]} | Operations[1].op must be add, remove or replace, got "Move"
            replace without value   | {'Operations':[{'op':'replace','path':'active'}]}                    | Operations[0] (replace) needs a "value"
            add without value       | {'Operations':[{'op':'Add','path':'title'}]}                         | Operations[0] (add) needs a "value"
            """)
    void a_malformed_PatchOp_is_invalidSyntax(String name, String json, String detail) {
        var e = catchThrowableOfType(BadRequestException.class, () -> UserPatch.parse(any(json)));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidSyntax");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # case                        | operation                                                        | detail
            unknown attribute             | {'op':'add','path':'fooBar','value':'teal'}                      | Operations[0].path "fooBar": fooBar is not an attribute of the User schema
            unknown sub-attribute         | {'op':'replace','path':'name.fooBar','value':'x'}                | Operations[0].path "name.fooBar": fooBar is not a sub-attribute of name
            unknown multi-valued sub      | {'op':'remove','path':'emails.fooBar'}                           | Operations[0].path "emails.fooBar": fooBar is not a sub-attribute of emails
            unknown sub in a value filter | {'op':'remove','path':'emails[fooBar eq \\'x\\']'}               | Operations[0].path "emails[fooBar eq "x"]": the filter names fooBar, which is not a sub-attribute of emails
            enterprise attr without URN   | {'op':'add','path':'department','value':'R'}                     | Operations[0].path "department": department is not an attribute of the User schema (it is in the Enterprise User extension: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department)
            unknown schema URN            | {'op':'add','path':'urn:example:ext:1.0:User:badge','value':'7'} | Operations[0].path "urn:example:ext:1.0:User:badge" names the schema urn:example:ext:1.0:User, which this server does not have; it knows urn:ietf:params:scim:schemas:core:2.0:User and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
            unknown enterprise attribute  | {'op':'add','path':'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:fooBar','value':'7'} | Operations[0].path "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:fooBar": fooBar is not an attribute of the Enterprise User extension
            unknown no-path attribute     | {'op':'replace','value':{'favouriteColour':'teal'}}              | Operations[0].value names favouriteColour, which is not an attribute of the User schema or the Enterprise User extension
            unclosed value filter         | {'op':'remove','path':'emails[type eq \\'work\\''}               | Operations[0].path "emails[type eq "work"" has a [ without its closing ]
            unclosed string               | {'op':'remove','path':'emails[type eq \\'work]'}                 | Operations[0].path "emails[type eq "work]" has a string without its closing "
            a stray ]                     | {'op':'remove','path':'emails]'}                                 | Operations[0].path "emails]" has a ] without a [ at position 7
            blank path                    | {'op':'add','path':'','value':'x'}                               | Operations[0].path is empty: name an attribute such as "title", or leave "path" out of an add or replace to give the attributes in "value"
            a path with a space           | {'op':'replace','path':'display name','value':'x'}               | Operations[0].path "display name" cannot be parsed: Unexpected character ' ' at position 7 for token starting at 0
            an unquoted filter value      | {'op':'remove','path':'emails[type eq work]'}                    | Operations[0].path "emails[type eq work]" cannot be parsed: Invalid value filter: Invalid comparison value at position 15: a value must be quoted, or true, false, null or a number
            too deep                      | {'op':'remove','path':'name.givenName.x'}                        | Operations[0].path "name.givenName.x" is nested too deep: a path names an attribute and at most one sub-attribute
            a path that is a number       | {'op':'remove','path':7}                                         | Operations[0].path must be a string, got 7
            """)
    void a_path_that_names_nothing_in_the_schemas_is_invalidPath(String name, String operation, String detail) {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserPatch.parse(body("{'Operations':[" + operation + "]}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidPath");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @Test
    void a_no_path_value_that_is_not_an_object_is_invalidSyntax() {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserPatch.parse(body("{'Operations':[{'op':'replace','value':'Ann'}]}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidSyntax");
        assertThat(e.getScimError().getDetail()).isEqualTo("Operations[0] (replace without a path) needs a JSON object of "
                + "attributes as its \"value\", such as {\"active\": false}");
    }

    @Test
    void more_than_100_operations_are_refused_before_any_is_read() {
        String op = "{'op':'replace','path':'title','value':'T'},";
        var e = catchThrowableOfType(BadRequestException.class,
                () -> UserPatch.parse(body("{'Operations':[" + op.repeat(100) + op.substring(0, op.length() - 1) + "]}")));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail()).isEqualTo("the PatchOp has 101 operations; at most 100 are accepted in one "
                + "request: send several PATCH requests");
    }

    @Test
    void the_enterprise_urn_as_path_adds_replaces_and_removes_the_whole_extension() throws Exception {
        String urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        ObjectNode user = body("{'userName':'a@x.com','" + urn + "':{'department':'D','costCenter':'C'}}");

        ObjectNode added = UserPatch.apply(user, UserPatch.parse(body("{'Operations':[{'op':'add','path':'" + urn
                + "','value':{'division':'V'}}]}")), "x");
        assertThat(plain(added.get(urn))).isEqualTo(plain("{'department':'D','costCenter':'C','division':'V'}"));

        ObjectNode removed = UserPatch.apply(user, UserPatch.parse(body("{'Operations':[{'op':'remove','path':'" + urn + "'}]}")), "x");
        assertThat(removed.has(urn)).isFalse();
    }

    @Test
    void entra_add_to_an_existing_work_email_replaces_it() throws Exception {
        // RFC 7644 §3.5.2.1: add to a single value that exists replaces it; Entra sends this after an email change.
        ObjectNode user = body("{'userName':'a@x.com','emails':[{'type':'work','value':'old@x.com','primary':true}]}");

        ObjectNode out = UserPatch.apply(user, UserPatch.parse(body(
                "{'Operations':[{'op':'Add','path':'emails[type eq \\\"work\\\"].value','value':'new@x.com'}]}")), "x");

        assertThat(plain(out.get("emails"))).isEqualTo(plain("[{'type':'work','value':'new@x.com','primary':true}]"));
    }

    @Test
    void a_body_that_is_no_object_at_all_is_invalidSyntax() {
        var e = catchThrowableOfType(BadRequestException.class, () -> UserPatch.parse(null));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidSyntax");
    }

    @Test
    void entra_capitalised_ops_are_read_as_the_rfc_ops() throws Exception {
        var patch = UserPatch.parse(body("""
                {'Operations':[{'op':'Add','path':'title','value':'a'},{'op':'Replace','path':'title','value':'b'},
                               {'op':'Remove','path':'title'}]}"""));

        assertThat(patch.getOperations()).extracting(PatchOperation::getOpType)
                .containsExactly(PatchOpType.ADD, PatchOpType.REPLACE, PatchOpType.REMOVE);
    }

    @Test
    void an_operations_key_in_lower_case_is_read_from_a_plain_json_tree() throws Exception {
        var plainTree = new ObjectMapper().readTree("""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "operations":[{"op":"Replace","path":"title","value":"Lead"}]}""");

        var patch = UserPatch.parse(plainTree);

        assertThat(patch.getOperations()).hasSize(1);
        assertThat(patch.getOperations().getFirst().getOpType()).isEqualTo(PatchOpType.REPLACE);
        assertThat(patch.getOperations().getFirst().getPath().toString()).isEqualTo("title");
    }

    @Test
    void apply_leaves_the_stored_document_untouched() throws Exception {
        ObjectNode stored = current();
        JsonNode before = plain(stored);
        var patch = UserPatch.parse(body("{'Operations':[{'op':'replace','path':'title','value':'Lead'},{'op':'remove','path':'name'}]}"));

        ObjectNode result = UserPatch.apply(stored, patch, ID);

        assertThat(plain(stored)).isEqualTo(before);
        assertThat(result.get("title").asText()).isEqualTo("Lead");
        assertThat(result.has("name")).isFalse();
    }

    @Test
    void the_result_never_carries_id_or_meta() throws Exception {
        var patch = UserPatch.parse(body("{'Operations':[{'op':'replace','value':{'id':'" + ID + "','displayName':'X'}}]}"));

        ObjectNode result = UserPatch.apply(current(), patch, ID);

        assertThat(result.has("id")).isFalse();
        assertThat(result.has("meta")).isFalse();
        assertThat(result.get("displayName").asText()).isEqualTo("X");
    }

    @Test
    void an_empty_value_clears_a_multi_valued_attribute_on_replace_and_is_refused_elsewhere() throws Exception {
        ObjectNode user = body("{'userName':'a@x.com','active':true,'emails':[{'value':'a@x.com'}]}");

        ObjectNode cleared = UserPatch.apply(user, UserPatch.parse(body("{'Operations':[{'op':'replace','path':'emails','value':[]}]}")), "x");
        var add = catchThrowableOfType(BadRequestException.class,
                () -> UserPatch.parse(body("{'Operations':[{'op':'add','path':'emails','value':[]}]}")));
        var active = catchThrowableOfType(BadRequestException.class,
                () -> UserPatch.parse(body("{'Operations':[{'op':'replace','path':'active','value':{}}]}")));

        assertThat(cleared.has("emails")).isFalse();
        assertThat(add.getScimError().getDetail()).isEqualTo("Operations[0] adds an empty value to emails; give at least one "
                + "value, or leave the operation out");
        assertThat(active.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(active.getScimError().getDetail()).isEqualTo("active must be a boolean (true or false), got {}");
    }

    /**
     * What is small enough for the request's thread (UserOperations): the IdPs' deactivations and
     * profile syncs on an ordinary user are; one operation too many, one value node too many, or
     * one stored node too many is not.
     */
    @Test
    void small_patches_are_bounded_in_operations_value_nodes_and_stored_nodes() throws Exception {
        ObjectNode stored = current();
        String deactivate = "{'op':'replace','value':{'active':false}}";
        assertThat(UserPatch.small(ops(deactivate), stored)).isTrue();
        assertThat(UserPatch.small(ops("{'op':'Replace','path':'active','value':'False'}"), stored)).isTrue();
        assertThat(UserPatch.small(ops(String.join(",", java.util.Collections.nCopies(UserPatch.SMALL_OPERATIONS, deactivate))), stored))
                .isTrue();
        assertThat(UserPatch.small(ops(String.join(",", java.util.Collections.nCopies(UserPatch.SMALL_OPERATIONS + 1, deactivate))), stored))
                .isFalse();

        // A value of n nodes: an array of n - 1 strings.
        assertThat(UserPatch.small(ops("{'op':'add','path':'nickName','value':" + strings(UserPatch.SMALL_VALUE_NODES - 1) + "}"), stored))
                .isTrue();
        assertThat(UserPatch.small(ops("{'op':'add','path':'nickName','value':" + strings(UserPatch.SMALL_VALUE_NODES) + "}"), stored))
                .isFalse();

        ObjectNode atTheBound = stored.objectNode();
        atTheBound.set("x", any(strings(UserPatch.SMALL_STORED_NODES - 2)));  // the root, the array, its strings
        assertThat(UserPatch.small(ops(deactivate), atTheBound)).isTrue();
        ObjectNode over = stored.objectNode();
        over.set("x", any(strings(UserPatch.SMALL_STORED_NODES - 1)));
        assertThat(UserPatch.small(ops(deactivate), over)).isFalse();
        // Far over the bound, in width and in depth: still just not small.
        ObjectNode wide = stored.objectNode();
        wide.set("x", any(strings(100_000)));
        assertThat(UserPatch.small(ops(deactivate), wide)).isFalse();
        assertThat(UserPatch.small(ops("{'op':'add','path':'nickName','value':" + "[".repeat(500) + "]".repeat(500) + "}"), stored))
                .isFalse();
    }

    private static com.unboundid.scim2.common.messages.PatchRequest ops(String operations) throws Exception {
        return UserPatch.parse(body("{'schemas':['" + ScimJson.PATCH_OP + "'],'Operations':[" + operations + "]}"));
    }

    private static String strings(int n) {
        return "[" + String.join(",", java.util.Collections.nCopies(n, "'v'")) + "]";
    }
}
