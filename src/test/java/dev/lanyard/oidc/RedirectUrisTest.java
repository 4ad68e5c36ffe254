package dev.lanyard.oidc;

import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which redirect URIs an app may register: https anywhere, http only to a loopback address, never a fragment. */
class RedirectUrisTest {

    @Test
    void https_and_loopback_http_are_accepted() {
        for (String ok : List.of("https://app.example/callback", "https://app.example:8443/cb?x=1", "http://127.0.0.1:7777/cb",
                "http://localhost:3000/cb", "http://[::1]:3000/cb", "http://127.9.9.9/cb")) {
            assertThat(RedirectUris.validate(ok)).as(ok).isEqualTo(ok);
        }
    }

    @Test
    void http_to_other_hosts_fragments_relative_and_odd_schemes_are_refused() {
        for (String bad : List.of("http://app.example/cb", "http://10.0.0.1/cb", "http://localhost.evil.example/cb",
                "https://app.example/cb#x", "/callback", "javascript:alert(1)", "ftp://app.example/cb",
                "https://user:pw@app.example/cb", "", "https://app.example/" + "a".repeat(2000))) {
            assertThatThrownBy(() -> RedirectUris.validate(bad)).as(bad).isInstanceOf(DomainException.Invalid.class);
        }
    }

    @Test
    void a_list_is_deduplicated_and_bounded() {
        assertThat(RedirectUris.validate(List.of("https://a.example/cb", "https://a.example/cb"))).containsExactly("https://a.example/cb");
        assertThatThrownBy(() -> RedirectUris.validate(List.of())).isInstanceOf(DomainException.Invalid.class);
        assertThatThrownBy(() -> RedirectUris.validate(java.util.stream.IntStream.range(0, 21)
                .mapToObj(i -> "https://a.example/" + i).toList())).isInstanceOf(DomainException.Invalid.class);
    }

    @Test
    void error_descriptions_are_printable_ascii_as_rfc_6749_requires() {
        assertThat(OAuthError.ascii("RFC 7636 §4.6 \"Zoë\" \\")).isEqualTo("RFC 7636 section 4.6 ?Zo?? ?");
    }
}
