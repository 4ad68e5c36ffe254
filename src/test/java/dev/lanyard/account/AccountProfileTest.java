package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.domain.DomainException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** userName is the account's sign-in email (docs/product-rules.md rule 6). */
class AccountProfileTest {
    private static final String HINT = ". In Okta, set the application username format to Email; "
            + "in Entra ID, map userPrincipalName or mail to userName";

    private static AccountProfile profile(String email) {
        return new AccountProfile(email, Optional.empty(), Optional.empty(), Optional.empty(),
                JsonNodeFactory.instance.objectNode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "ann@example.com",
            "Ann.Lee@Example.COM",
            "test.user@okta.local",
            "ann+sales@mail.example.co.uk",
            "o'brien@example.ie",
            "Runscope123Abcdefgh456@atko.com",
            "user@xn--bcher-kva.example",
            "ユーザー@例え.jp"})
    void an_email_address_is_accepted_exactly_as_sent(String userName) {
        assertThat(profile(userName).email()).isEqualTo(userName);
    }

    @Test
    void an_address_of_exactly_254_characters_is_accepted() {
        String email = "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";

        assertThat(email).hasSize(254);
        assertThat(profile(email).email()).isEqualTo(email);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            jdoe                  | there is no @
            `DOMAIN\\jdoe`         | there is no @
            ann@localhost         | the domain after the @ has no dot, as in example.com
            ann@example           | the domain after the @ has no dot, as in example.com
            ann@example.          | the domain after the @ has an empty part between dots
            ann@.example.com      | the domain after the @ has an empty part between dots
            ann@example..com      | the domain after the @ has an empty part between dots
            @example.com          | there is nothing before the @
            ann@                  | there is nothing after the @
            `ann lee@example.com` | it contains a space
            `ann@example.com `    | it contains a space
            ` ann@example.com`    | it contains a space
            ann@@example.com      | there is more than one @
            ann@b@example.com     | there is more than one @
            ``                    | there is no @
            """)
    void a_userName_that_is_not_an_email_address_is_refused_with_the_reason_and_what_to_change_in_the_IdP(
            String userName, String reason) {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(userName));

        assertThat(e.getMessage()).isEqualTo("userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"" + userName + "\" (" + reason + ")" + HINT);
    }

    @ParameterizedTest
    @NullSource
    void a_missing_userName_is_refused(String userName) {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(userName));

        assertThat(e.getMessage()).isEqualTo("userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"\" (it is missing)" + HINT);
    }

    @Test
    void an_address_longer_than_254_characters_is_refused_and_shown_shortened() {
        String email = "a".repeat(243) + "@example.com";

        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(email));

        assertThat(email).hasSize(255);
        assertThat(e.getMessage()).isEqualTo("userName is longer than 254 characters (255), the most an email address can "
                + "have (RFC 5321 §4.5.3.1.3); got \"" + "a".repeat(77) + "...\"");
    }

    @Test
    void a_local_part_of_200_characters_is_refused_as_longer_than_64_characters() {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile("a".repeat(200) + "@example.com"));

        assertThat(e.getMessage()).startsWith("the part of userName before the @ is longer than 64 characters (200)");
    }

    @Test
    void a_domain_label_over_63_characters_is_refused() {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile("ann@" + "b".repeat(64) + ".com"));

        assertThat(e.getMessage()).startsWith("the domain of userName has a part longer than 63 characters (64)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            202E | U+202E RIGHT-TO-LEFT OVERRIDE
            202D | U+202D LEFT-TO-RIGHT OVERRIDE
            2066 | U+2066 LEFT-TO-RIGHT ISOLATE
            200F | U+200F RIGHT-TO-LEFT MARK
            200B | U+200B ZERO WIDTH SPACE
            200D | U+200D ZERO WIDTH JOINER
            FEFF | U+FEFF ZERO WIDTH NO-BREAK SPACE
            0007 | U+0007 BEL
            000A | U+000A LINE FEED (LF)
            2028 | U+2028 LINE SEPARATOR
            E000 | U+E000 PRIVATE USE AREA E000
            """)
    void control_and_formatting_characters_are_refused_naming_the_character(String hex, String named) {
        String userName = "live" + Character.toString(Integer.parseInt(hex, 16)) + "moc.elpmaxe@acme.example";

        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(userName));

        assertThat(e.getMessage()).startsWith("userName contains " + named + " at position 5; control and formatting "
                + "characters are not allowed in an email address");
        assertThat(e.getMessage()).endsWith("got \"live<U+" + hex + ">moc.elpmaxe@acme.example\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"مستخدم@مثال.شبكة", "山田太郎@例え.jp", "Zoë.Ångström@exämple.se", "ann@example.com"})
    void letters_of_every_script_are_accepted(String userName) {
        assertThat(profile(userName).email()).isEqualTo(userName);
    }
}
