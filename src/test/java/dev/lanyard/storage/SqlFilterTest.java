package dev.lanyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.account.AccountColumns;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filter text (RFC 7644 §3.4.2.2) -> WHERE fragment + bound values, with {@link AccountColumns}.
 * FilterTranslationPropertyIT checks what the SQL answers; this pins what it says.
 */
class SqlFilterTest {
    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static final String SUPPORTED = AccountColumns.SUPPORTED;
    private static final UUID ID = UUID.fromString("2819c223-7f76-453a-919d-413861904646");
    private static final String LIKE = " escape '\\'";

    private static SqlFilter.Where translate(String filter) throws BadRequestException {
        return SqlFilter.translate(Filter.fromString(filter), AccountColumns.INSTANCE, USER, SUPPORTED);
    }

    /** Some element of the jsonb array at {@code array} satisfies {@code condition}. */
    private static String some(String array, String alias, String condition) {
        return "exists (select 1 from jsonb_array_elements(case when jsonb_typeof(" + array + ") = 'array' then "
                + array + " else '[]'::jsonb end) as " + alias + "(v) where " + condition + ")";
    }

    private static final String EMAILS = "attributes -> 'emails'";

    /** The account's account_search row (V114) satisfies {@code condition}. */
    private static String searched(String condition) {
        return "exists (select 1 from account_search hit where hit.account_id = managed_accounts.id"
                + " and hit.org_id = managed_accounts.org_id and hit." + condition + ")";
    }

    static Stream<Arguments> translations() {
        return Stream.of(
                // Okta's existence check and Entra's matching (docs/idp-behaviour.md O2, E8): userName is caseExact false
                row("userName eq \"test.user@okta.local\"", "lower(email) = lower(?)", "test.user@okta.local"),
                row("UserName EQ \"Ann@Example.com\"", "lower(email) = lower(?)", "Ann@Example.com"),
                row(USER + ":userName eq \"ann@example.com\"", "lower(email) = lower(?)", "ann@example.com"),
                row("urn:ietf:params:scim:schemas:core:2.0:user:userName eq \"a@b.c\"", "lower(email) = lower(?)", "a@b.c"),
                // externalId is caseExact true (RFC 7643 §3.1)
                row("externalId eq \"00u1AbCd\"", "external_id = ?", "00u1AbCd"),
                // Entra's Postman suite filters on "DisplayName" (docs/idp-behaviour.md E8)
                row("DisplayName eq \"Ann Lee\"", "((lower(display_name) is null) is false and coalesce(lower(display_name), '') = lower(?))", "Ann Lee"),
                row("id eq \"2819c223-7f76-453a-919d-413861904646\"", "scim_id = ?", ID),
                row("id eq \"2819C223-7F76-453A-919D-413861904646\"", "scim_id = ?", ID),
                // Okta's spec test looks up an id that is not a uuid (a.2 #4): no match, not an error
                row("id eq \"010101001010101011001010101011\"", "false"),
                row("active eq true", "(status = 'active') = ?", true),
                row("active eq false", "(status = 'active') = ?", false),
                row("meta.created gt \"2015-10-10T00:00:00Z\"", "scim_created_at > ?::timestamptz",
                        Timestamp.from(Instant.parse("2015-10-10T00:00:00Z"))),
                row("meta.lastModified le \"2026-01-31T09:00:00+09:00\"", "updated_at <= ?::timestamptz",
                        Timestamp.from(Instant.parse("2026-01-31T00:00:00Z"))),
                row("meta.resourceType eq \"User\"", "'User'::text = ?", "User"),
                // strings order by code point
                row("userName gt \"m\"", "lower(email) collate \"C\" > lower(?) collate \"C\"", "m"),
                row("externalId lt \"5\"", "external_id collate \"C\" < ? collate \"C\"", "5"),
                // other attributes live in the attributes jsonb, typed by the schema
                row("title eq \"Engineer\"", "lower(attributes ->> 'title') = lower(?)", "Engineer"),
                row("name.familyName eq \"Lee\"", "lower(attributes -> 'name' ->> 'familyName') = lower(?)", "Lee"),
                row("Name.FamilyName sw \"L\"", "lower(attributes -> 'name' ->> 'familyName') like lower(?)" + LIKE + "", "L%"),
                row("name pr", "attributes -> 'name' is not null"),
                row(ENTERPRISE + ":employeeNumber eq \"701984\"",
                        "lower(attributes -> '" + ENTERPRISE + "' ->> 'employeeNumber') = lower(?)", "701984"),
                row(ENTERPRISE + ":manager.value eq \"m-1\"",
                        "lower(attributes -> '" + ENTERPRISE + "' -> 'manager' ->> 'value') = lower(?)", "m-1"),
                // emails.value eq goes through account_search's GIN index; other element conditions are EXISTS
                row("emails.value eq \"Ann@Example.com\"", searched("email_values @> array[lower(?)]"), "Ann@Example.com"),
                row("emails eq \"ann@example.com\"", searched("email_values @> array[lower(?)]"), "ann@example.com"),
                row("emails.value ne \"a@b.c\"", "not coalesce(" + searched("email_values @> array[lower(?)]") + ", false)", "a@b.c"),
                row("emails.value co \"@example.com\"",
                        some(EMAILS, "e1", "lower(e1.v ->> 'value') like lower(?)" + LIKE + ""), "%@example.com%"),
                row("emails.type eq \"work\"", some(EMAILS, "e1", "lower(e1.v ->> 'type') = lower(?)"), "work"),
                row("emails.primary eq true", some(EMAILS, "e1", "(e1.v ->> 'primary')::boolean = ?"), true),
                row("emails pr", some(EMAILS, "e1", "coalesce(e1.v ->> 'value', '') <> ''")),
                row("emails[type eq \"work\"]", some(EMAILS, "e1", "lower(e1.v ->> 'type') = lower(?)"), "work"),
                row("emails[type eq \"work\" and value co \"@example.com\"]", some(EMAILS, "e1",
                        "(lower(e1.v ->> 'type') = lower(?) and lower(e1.v ->> 'value') like lower(?)"
                                + LIKE + ")"), "work", "%@example.com%"),
                // ne and not are the negation of eq and of their operand: absent values count as "not equal"
                row("userName ne \"a@b.c\"", "not coalesce(lower(email) = lower(?), false)", "a@b.c"),
                row("externalId ne \"x\"", "not coalesce(external_id = ?, false)", "x"),
                row("active ne true", "not coalesce((status = 'active') = ?, false)", true),
                row("not (userName eq \"a\")", "not coalesce(lower(email) = lower(?), false)", "a"),
                // co / sw / ew: the value is bound with LIKE wildcards escaped
                row("userName sw \"ann\"", searched("email like lower(?)" + LIKE), "ann%"),
                row("userName ew \"@example.com\"", searched("email like lower(?)" + LIKE), "%@example.com"),
                row("externalId co \"Ab\"", "external_id like ?" + LIKE + "", "%Ab%"),
                row("displayName co \"50%_off\\\\\"", searched("display_name like lower(?)" + LIKE), "%50\\%\\_off\\\\%"),
                row("userName pr", "coalesce(email, '') <> ''"),
                row("id pr", "scim_id is not null"),
                // Entra: only eq and and (b.1); the rest of the grammar composes, values bound in order
                row("userName eq \"Ann@Example.com\" and active eq true",
                        "(lower(email) = lower(?) and (status = 'active') = ?)", "Ann@Example.com", true),
                row("userName eq \"a\" or (displayName co \"b\" and not (active eq false))",
                        "(lower(email) = lower(?) or (" + searched("display_name like lower(?)" + LIKE)
                                + " and not coalesce((status = 'active') = ?, false)))", "a", "%b%", false),
                row("emails[type eq \"work\"] and emails[type eq \"home\"]",
                        "(" + some(EMAILS, "e1", "lower(e1.v ->> 'type') = lower(?)") + " and "
                                + some(EMAILS, "e2", "lower(e2.v ->> 'type') = lower(?)") + ")", "work", "home"),
                // a value that looks like SQL is only ever a bound value
                row("userName eq \"x' or '1'='1\"", "lower(email) = lower(?)", "x' or '1'='1"));
    }

    private static Arguments row(String filter, String sql, Object... params) {
        return Arguments.of(filter, sql, Arrays.asList(params));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("translations")
    void a_filter_becomes_sql_with_bound_values(String filter, String sql, List<Object> params) throws Exception {
        var where = translate(filter);

        assertThat(where.sql()).isEqualTo(sql);
        assertThat(where.params()).containsExactlyElementsOf(params);
        assertThat(where.params()).extracting(Object::getClass)
                .containsExactlyElementsOf(params.stream().map(Object::getClass).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # filter                                 | detail
            nickname2 eq "a"                         | cannot filter on "nickname2": no such attribute
            userName eq "a" and nickName2 eq "b"     | cannot filter on "nickName2": no such attribute
            password eq "secret"                     | cannot filter on "password": no such attribute
            name.givenName.x eq "a"                  | cannot filter on "name.givenName.x": no such attribute
            name.nickname eq "a"                     | cannot filter on "name.nickname": no such attribute
            urn:example:custom:1.0:User:badge eq "7" | cannot filter on "urn:example:custom:1.0:User:badge": no such attribute
            urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize eq "7" | cannot filter on "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize": no such attribute
            """)
    void an_unknown_attribute_is_invalidFilter_and_says_what_is_supported(String filter, String detail) {
        var e = catchThrowableOfType(BadRequestException.class, () -> translate(filter));

        assertThat(e.getScimError().getStatus()).isEqualTo(400);
        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail + "; " + SUPPORTED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # filter                          | detail
            active eq "true"                  | in active eq "true", active cannot be compared that way: compare it with true or false
            active eq null                    | in active eq null, active cannot be compared that way: compare it with true or false
            emails.primary eq "True"          | in emails.primary eq "True", emails.primary cannot be compared that way: compare it with true or false
            userName eq 5                     | in userName eq 5, userName cannot be compared that way: compare it with a quoted string
            userName eq true                  | in userName eq true, userName cannot be compared that way: compare it with a quoted string
            userName eq null                  | in userName eq null, userName cannot be compared that way: compare it with a quoted string
            userName co 5                     | in userName co 5, userName cannot be compared that way: compare it with a quoted string
            id eq 42                          | in id eq 42, id cannot be compared that way: compare it with a quoted string
            id sw "2819"                      | in id sw "2819", id cannot be compared that way: co, sw and ew work on strings only
            active co "t"                     | in active co "t", active cannot be compared that way: co, sw and ew work on strings only
            meta.created co "2026"            | in meta.created co "2026", meta.created cannot be compared that way: co, sw and ew work on strings only
            active gt true                    | in active gt true, active cannot be compared that way: it has no order: use eq, ne or pr
            id ge "2819c223-7f76-453a-919d-413861904646" | in id ge "2819c223-7f76-453a-919d-413861904646", id cannot be compared that way: it has no order: use eq, ne or pr
            meta.created gt "yesterday"       | in meta.created gt "yesterday", meta.created cannot be compared that way: it is a dateTime: compare it with a value such as "2026-01-31T09:00:00Z"
            meta.created gt 2015              | in meta.created gt 2015, meta.created cannot be compared that way: compare it with a quoted string
            name eq "Ann Lee"                 | in name eq "Ann Lee", name cannot be compared that way: it is complex: compare one of its sub-attributes, or use pr
            title[value eq "x"]               | "title" is not multi-valued, so it takes no [filter]; compare it directly
            emails[display eq "x" and foo eq "y"] | cannot filter on "foo": no such attribute; filters may use any attribute of the User and Enterprise User schemas (e.g. userName, name.familyName, emails[type eq "work"], urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department, meta.lastModified) with eq ne co sw ew gt ge lt le pr, and, or, not and parentheses
            """)
    void a_comparison_that_cannot_hold_is_invalidFilter_with_the_fix(String filter, String detail) {
        var e = catchThrowableOfType(BadRequestException.class, () -> translate(filter));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }

    @Test
    void sixty_four_comparisons_are_translated_and_sixty_five_are_refused() throws Exception {
        String many = String.join(" or ", Collections.nCopies(SqlFilter.MAX_COMPARISONS, "userName eq \"a\""));

        assertThat(translate(many).params()).hasSize(64);
        var e = catchThrowableOfType(BadRequestException.class, () -> translate(many + " or userName eq \"b\""));
        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo("the filter has more than 64 comparisons");
    }

    @Test
    void nesting_deeper_than_sixteen_levels_is_refused() throws Exception {
        String sixteen = "not (".repeat(16) + "userName eq \"a\"" + ")".repeat(16);
        String seventeen = "not (" + sixteen + ")";

        assertThat(translate(sixteen).sql()).isEqualTo("not coalesce(".repeat(16) + "lower(email) = lower(?)" + ", false)".repeat(16));
        var e = catchThrowableOfType(BadRequestException.class, () -> translate(seventeen));
        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo("the filter nests deeper than 16 levels");
    }

    @Test
    void the_core_schema_urn_is_a_parameter_not_a_constant() {
        var e = catchThrowableOfType(BadRequestException.class, () -> SqlFilter.translate(
                Filter.fromString(USER + ":userName eq \"a\""), AccountColumns.INSTANCE,
                "urn:ietf:params:scim:schemas:core:2.0:Group", "displayName"));

        assertThat(e.getScimError().getDetail())
                .isEqualTo("cannot filter on \"" + USER + ":userName\": no such attribute; displayName");
    }

    @Test
    void a_refusal_inside_a_combination_refuses_the_whole_filter() {
        var e = catchThrowableOfType(BadRequestException.class,
                () -> translate("userName eq \"a\" or not (nickname2 eq \"b\")"));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo("cannot filter on \"nickname2\": no such attribute; " + SUPPORTED);
    }

    @Test
    void the_sdk_refuses_a_value_path_followed_by_a_sub_attribute_before_translation() {
        // Entra's uniqueness lookup (docs/idp-behaviour.md E8) is outside the RFC 7644 filter grammar, and
        // the SDK's parser refuses it: it never reaches SqlFilter.
        var e = catchThrowableOfType(BadRequestException.class,
                () -> Filter.fromString("emails[type eq \"work\"].value eq \"ann@example.com\""));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).isEqualTo("Unexpected character '.value' at position 22");
    }

    /** Only one eq on a text or id attribute keeps its plan (Sql.PLANNED_WITH_VALUES marks the rest). */
    @ParameterizedTest(name = "{0}: lookup {1}")
    @CsvSource(delimiter = '|', textBlock = """
            userName eq "ann@example.com"                       | true
            externalId eq "00u1AbCd"                            | true
            id eq "2819c223-7f76-453a-919d-413861904646"        | true
            displayName eq "Ann Lee"                            | true
            userName co "ann"                                   | false
            userName sw "ann"                                   | false
            active eq true                                      | false
            meta.lastModified gt "2026-01-01T00:00:00Z"         | false
            userName eq "a@b.c" or userName eq "d@e.f"          | false
            userName eq "a@b.c" and active eq true              | false
            not (userName eq "a@b.c")                           | false
            emails[type eq "work"]                              | false
            """)
    void only_a_single_text_or_id_equality_is_a_lookup(String filter, boolean lookup) throws Exception {
        assertThat(translate(filter).lookup()).isEqualTo(lookup);
    }
}
