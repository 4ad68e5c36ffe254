package dev.lanyard.sso;

import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of sign-in that need no server: the signed RelayState, the metadata fetch's address rule, landing paths. */
class SsoUnitTest {
    static final UUID ORG = UUID.randomUUID();
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void a_relay_state_verifies_for_its_organization_until_it_expires_and_not_once_altered() {
        var relay = new RelayState(new byte[32]);
        String value = relay.issue(ORG, "_" + UUID.randomUUID(), RelayState.Purpose.TEST, NOW.plusSeconds(900));
        assertThat(value.length()).isLessThanOrEqualTo(80);  // SAML bindings §3.4.3
        assertThat(relay.verify(ORG, value, NOW)).get().extracting(RelayState.Issued::purpose).isEqualTo(RelayState.Purpose.TEST);
        assertThat(relay.verify(ORG, value, NOW.plusSeconds(900))).isEmpty();
        assertThat(relay.verify(UUID.randomUUID(), value, NOW)).isEmpty();
        String otherPurpose = value.replace(".t", ".m");
        assertThat(relay.verify(ORG, otherPurpose, NOW)).isEmpty();
        assertThat(new RelayState(new byte[] {1}).verify(ORG, value, NOW)).isEmpty();
        assertThat(relay.verify(ORG, "/me", NOW)).isEmpty();
        assertThat(relay.verify(ORG, null, NOW)).isEmpty();
    }

    @Test
    void metadata_is_fetched_only_from_public_addresses() throws Exception {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "224.0.0.1"}) {
            assertThat(MetadataFetcher.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
        assertThat(MetadataFetcher.isPublic(InetAddress.getByName("93.184.215.14"))).isTrue();
        assertThat(MetadataFetcher.isPublic(InetAddress.getByName("2606:4700::1111"))).isTrue();
        assertThatThrownBy(() -> MetadataFetcher.publicOnly().fetch("http://127.0.0.1:1/metadata"))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("private or local address");
        assertThatThrownBy(() -> MetadataFetcher.publicOnly().fetch("file:///etc/passwd"))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("http(s) URL");
    }

    @Test
    void an_idp_initiated_relay_state_lands_only_on_a_local_path() {
        assertThat(SsoService.landing(java.util.Optional.empty(), "/me")).isEqualTo("/me");
        assertThat(SsoService.landing(java.util.Optional.empty(), "/me/profile")).isEqualTo("/me/profile");
        for (String evil : new String[] {"https://evil.example.com", "//evil.example.com", "/\\evil.example.com", "javascript:alert(1)",
                "/me?next=//x\n", null, ""}) {
            assertThat(SsoService.landing(java.util.Optional.empty(), evil)).as(String.valueOf(evil)).isEqualTo("/me");
        }
    }

    @Test
    void xml_with_a_doctype_or_too_deep_or_too_large_is_refused_before_it_is_read() {
        assertThatThrownBy(() -> SafeXml.parse("<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>".getBytes()))
                .isInstanceOf(SafeXml.Refused.class).hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> SafeXml.parse(("<a>".repeat(100) + "</a>".repeat(100)).getBytes()))
                .isInstanceOf(SafeXml.Refused.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> SafeXml.parse(new byte[SafeXml.MAX_BYTES + 1]))
                .isInstanceOf(SafeXml.Refused.class).hasMessageContaining("bytes");
    }
}
