package dev.lanyard.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CSV cells: formulas neutralised (OWASP CSV injection), RFC 4180 quoting. */
class AuditExportTest {
    @Test
    void a_cell_a_spreadsheet_would_run_gets_a_leading_quote() {
        assertThat(AuditExport.cell("=HYPERLINK(\"http://evil\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(AuditExport.cell("+1")).isEqualTo("'+1");
        assertThat(AuditExport.cell("-1")).isEqualTo("'-1");
        assertThat(AuditExport.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(AuditExport.cell("\tx")).isEqualTo("'\tx");
        assertThat(AuditExport.cell("ann@example.com")).isEqualTo("ann@example.com");
        assertThat(AuditExport.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditExport.cell("line\nbreak")).isEqualTo("\"line\nbreak\"");
        assertThat(AuditExport.cell("")).isEmpty();
    }

    @Test
    void addresses_keep_their_network_only() {
        assertThat(Redaction.redactAddress("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(Redaction.redactAddress("2001:db8:85a3::8a2e:370:7334")).isEqualTo("2001:db8:85a3::/48");
        assertThat(Redaction.redactAddress("[::1]")).isEqualTo("0:0:0::/48");
        assertThat(Redaction.redactAddress("not an address")).isEqualTo("unknown");
        assertThat(Redaction.redactUserAgent("curl lanyard_scim_abcDEF123")).isEqualTo("curl [redacted]");
    }

    @Test
    void changes_keep_only_what_differs_and_details_lose_secrets() {
        var d = AuditTrail.changes(java.util.Map.of("a", 1, "b", "x"), java.util.Map.of("a", 2, "b", "x"));
        assertThat(d.toString()).isEqualTo("{\"before\":{\"a\":1},\"after\":{\"a\":2}}");
        assertThat(AuditTrail.isEmpty(AuditTrail.changes(java.util.Map.of("a", 1), java.util.Map.of("a", 1)))).isTrue();
        var secret = AuditTrail.detail("password", "hunter2");
        secret.put("note", "token lanyard_scim_abcdefgh12345");
        assertThat(AuditTrail.stored(secret).toString()).doesNotContain("hunter2").doesNotContain("lanyard_scim_abc");
    }
}
