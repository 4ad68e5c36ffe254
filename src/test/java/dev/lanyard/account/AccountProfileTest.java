package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.domain.DomainException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
        String email = "a".repeat(242) + "@example.com";

        assertThat(email).hasSize(254);
        assertThat(profile(email).email()).isEqualTo(email);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "jdoe",                    // Okta with username format "Okta username prefix"
            "DOMAIN\\jdoe",
            "ann@localhost",           // no dotted domain
            "ann@example",
            "ann@example.",
            "ann@.example.com",
            "ann@example..com",
            "@example.com",
            "ann@",
            "ann lee@example.com",
            "ann@example.com ",
            " ann@example.com",
            "ann@@example.com",
            "ann@b@example.com",
            ""})
    void a_userName_that_is_not_an_email_address_is_refused_with_what_to_change_in_the_IdP(String userName) {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(userName));

        assertThat(e.getMessage()).isEqualTo("userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"" + userName + "\"" + HINT);
    }

    @ParameterizedTest
    @NullSource
    void a_missing_userName_is_refused(String userName) {
        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(userName));

        assertThat(e.getMessage()).isEqualTo("userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"\"" + HINT);
    }

    @Test
    void an_address_longer_than_254_characters_is_refused_and_shown_shortened() {
        String email = "a".repeat(243) + "@example.com";

        var e = catchThrowableOfType(DomainException.Invalid.class, () -> profile(email));

        assertThat(email).hasSize(255);
        assertThat(e.getMessage()).isEqualTo("userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"" + "a".repeat(77) + "...\"" + HINT);
    }
}
