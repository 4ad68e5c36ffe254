package dev.lanyard.http;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {
    @Test
    void details_never_carry_java_class_names() {
        var problem = Errors.describe(BadRequestException.invalidSyntax(
                "Cannot construct instance of com.unboundid.scim2.common.messages.PatchOperation$AddOperation (line 1)")).orElseThrow();
        assertThat(problem.detail()).doesNotContain("com.unboundid").doesNotContain("PatchOperation").contains("(line 1)");
        assertThat(Errors.describe(new DomainException.Invalid("emails.value and name.familyName stay")).orElseThrow().detail())
                .isEqualTo("emails.value and name.familyName stay");
    }

    @Test
    void busy_is_503_and_rate_limited_is_429() {
        assertThat(Errors.describe(new DomainException.Busy("x", 1)).orElseThrow().status()).isEqualTo(503);
        assertThat(Errors.describe(new DomainException.RateLimited("x", 1)).orElseThrow().status()).isEqualTo(429);
    }
}
