package dev.lanyard.scim;

import static dev.lanyard.scim.ScimTestJson.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.UUID;

/**
 * {@link GroupPatch#parse}: each PATCH form an IdP sends, read into the group operations the
 * service applies by delta. Single quotes stand for double quotes; {@code \\'} is an escaped quote.
 * The expected column is the operations' records as Java prints them, with A, B for the two ids.
 */
class GroupPatchTest {
    static final String GROUP = "6c5bb468-14b2-4183-baf2-06d523e03bd3";
    static final String A = "2819c223-7f76-453a-919d-413861904646";
    static final String B = "902c246b-6245-4190-8e05-00816be7344a";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Okta add                        | {'op':'add','path':'members','value':[{'value':'A','display':'a@x.com'}]}       | AddMembers[members=[A]]
            Entra Add with $ref null        | {'op':'Add','path':'members','value':[{'$ref':null,'value':'A'},{'value':'B'}]} | AddMembers[members=[A, B]]
            Okta remove by filter           | {'op':'remove','path':'members[value eq \\'A\\']'}                               | RemoveMembers[members=[A]]
            remove by or of values          | {'op':'remove','path':'members[value eq \\'A\\' or value eq \\'B\\']'}          | RemoveMembers[members=[A, B]]
            remove a value that is no id    | {'op':'remove','path':'members[value eq \\'nobody\\']'}                         | RemoveMembers[members=[]]
            Entra remove with values        | {'op':'Remove','path':'members','value':[{'value':'B'}]}                         | RemoveMembers[members=[B]]
            remove all                      | {'op':'remove','path':'members'}                                                | RemoveAllMembers[]
            Okta full push                  | {'op':'replace','path':'members','value':[{'value':'A'}]}                        | ReplaceMembers[members=[A]]
            Okta rename on every push       | {'op':'replace','value':{'id':'GROUP','displayName':'Eng'}}                      | SetDisplayName[displayName=Eng]
            path-less add of members        | {'op':'add','value':{'members':[{'value':'B'}]}}                                 | AddMembers[members=[B]]
            Entra Replace displayName       | {'op':'Replace','path':'displayName','value':'Sales'}                            | SetDisplayName[displayName=Sales]
            URN-qualified path              | {'op':'replace','path':'urn:ietf:params:scim:schemas:core:2.0:Group:displayName','value':'S'} | SetDisplayName[displayName=S]
            remove externalId               | {'op':'remove','path':'externalId'}                                             | SetExternalId[externalId=Optional.empty]
            """)
    void reads(String name, String operation, String expected) throws Exception {
        List<GroupPatch.Op> ops = GroupPatch.parse(patch(operation), GROUP);
        String printed = ops.size() == 1 ? ops.getFirst().toString() : ops.toString();
        assertThat(printed.replace(A, "A").replace(B, "B")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            add a member that is no id      | {'op':'add','path':'members','value':[{'value':'nobody'}]}        | invalidValue | not a user of this organization
            a nested group                  | {'op':'add','path':'members','value':[{'value':'A','type':'Group'}]} | invalidValue | no nested groups
            remove displayName              | {'op':'remove','path':'displayName'}                              | mutability   | cannot be removed
            another group's id              | {'op':'replace','value':{'id':'B','displayName':'x'}}             | mutability   | id is read-only
            an attribute groups do not have | {'op':'replace','path':'title','value':'x'}                       | invalidPath  | no attribute "title"
            add to a value path             | {'op':'add','path':'members[value eq \\'A\\']','value':[]}        | invalidPath  | can only be removed
            remove without a path           | {'op':'remove'}                                                   | noTarget     | without a path
            an unknown op                   | {'op':'move','path':'members'}                                    | invalidSyntax | add, remove or replace
            a blank displayName             | {'op':'replace','path':'displayName','value':'  '}                | invalidValue | displayName is required
            """)
    void refuses(String name, String operation, String scimType, String detail) {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> GroupPatch.parse(patch(operation), GROUP));
        assertThat(e).as(name).isNotNull();
        assertThat(e.getScimError().getScimType()).isEqualTo(scimType);
        assertThat(e.getMessage()).contains(detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no Operations            | {'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp']}
            empty Operations         | {'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':[]}
            a wrong schema           | {'schemas':['urn:ietf:params:scim:schemas:core:2.0:Group'],'Operations':[{'op':'remove','path':'members'}]}
            """)
    void refuses_a_body_that_is_no_patchop(String name, String json) {
        assertThat(catchThrowableOfType(BadRequestException.class, () -> GroupPatch.parse(body(json), GROUP))).as(name).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void more_operations_than_the_limit_are_refused() {
        String one = "{'op':'add','path':'members','value':[{'value':'A'}]}";
        String many = String.join(",", java.util.Collections.nCopies(GroupPatch.MAX_OPERATIONS + 1, one));
        assertThat(catchThrowableOfType(BadRequestException.class, () -> GroupPatch.parse(patch(many), GROUP)).getMessage())
                .contains("at most " + GroupPatch.MAX_OPERATIONS);
    }

    @org.junit.jupiter.api.Test
    void a_group_body_reads_its_name_externalId_and_members() throws Exception {
        GroupDocument doc = GroupDocument.parse(body("{'schemas':['urn:ietf:params:scim:schemas:core:2.0:Group'],"
                + "'displayName':' Sales ','externalId':'00g1','members':[{'value':'" + A + "','display':'a'}],'id':'x','meta':{}}"));
        assertThat(doc.displayName()).isEqualTo("Sales");
        assertThat(doc.externalId()).contains("00g1");
        assertThat(doc.members()).containsExactly(UUID.fromString(A));
        assertThat(catchThrowableOfType(BadRequestException.class, () -> GroupDocument.parse(body("{'displayName':'x',"
                + "'schemas':['urn:ietf:params:scim:schemas:core:2.0:User']}"))).getMessage()).contains("schemas must contain");
        assertThat(catchThrowableOfType(BadRequestException.class, () -> GroupDocument.parse(body("{'members':[]}"))).getMessage())
                .contains("displayName is required");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode patch(String operations) {
        return body(("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':[" + operations + "]}")
                .replace("'A'", "'" + A + "'").replace("'B'", "'" + B + "'").replace("'GROUP'", "'" + GROUP + "'")
                .replace("\\'A\\'", "\\'" + A + "\\'").replace("\\'B\\'", "\\'" + B + "\\'"));
    }
}
