package dev.lanyard.audit;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What an audit trail entry records, as a dotted code: {@code <area>.<what happened>}, such as
 * {@code token.issued}. The area (before the first dot) is what the console's filter offers.
 * The constants are the actions Lanyard records; a feature adds its own here (one line) or makes
 * one with {@link #of}.
 */
public record AuditAction(String code) {
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    static final int MAX_CODE = 64;

    public AuditAction {
        if (code == null || code.length() > MAX_CODE || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("an audit action is a dotted lower-case code like token.issued, got " + code);
        }
    }

    public static AuditAction of(String code) {
        return new AuditAction(code);
    }

    /** The part before the first dot: provisioning, token, settings, saml, admin, account, app, organization, ... */
    public String area() {
        return code.substring(0, code.indexOf('.'));
    }

    public static final AuditAction ORGANIZATION_CREATED = of("organization.created");
    public static final AuditAction OPERATOR_OPENED = of("organization.opened_by_operator");
    public static final AuditAction PROVISIONING_ENABLED = of("provisioning.enabled");
    public static final AuditAction PROVISIONING_DISABLED = of("provisioning.disabled");
    public static final AuditAction TOKEN_ISSUED = of("token.issued");
    public static final AuditAction TOKEN_REVOKED = of("token.revoked");
    /** Organization settings (the username change policy): detail {"before": {...}, "after": {...}}. */
    public static final AuditAction SETTINGS_CHANGED = of("settings.changed");
    public static final AuditAction SAML_SETTINGS_CHANGED = of("saml.settings_changed");
    public static final AuditAction SAML_METADATA_IMPORTED = of("saml.metadata_imported");
    public static final AuditAction SAML_CERTIFICATE_ADDED = of("saml.certificate_added");
    public static final AuditAction SAML_CERTIFICATE_REMOVED = of("saml.certificate_removed");
    /** Written by Lanyard ({@code system}) once per certificate and threshold (30, 7, 1 days, expired). */
    public static final AuditAction SAML_CERTIFICATE_EXPIRING = of("saml.certificate_expiring");
    public static final AuditAction ADMIN_SIGNED_IN = of("admin.signed_in");
    public static final AuditAction ADMIN_SIGN_IN_FAILED = of("admin.sign_in_failed");
    public static final AuditAction ADMIN_PASSWORD_CHANGED = of("admin.password_changed");
    public static final AuditAction ADMIN_PASSWORD_RESET = of("admin.password_reset");
    public static final AuditAction ADMIN_CREATED = of("admin.created");
    public static final AuditAction ADMIN_REMOVED = of("admin.removed");
    public static final AuditAction ACCOUNT_DELETED = of("account.deleted");
    public static final AuditAction APP_TURNED_OFF = of("app.turned_off");
    public static final AuditAction APP_TURNED_ON = of("app.turned_on");
    public static final AuditAction EMAIL_DOMAINS_CHANGED = of("organization.email_domains_changed");

    /** The areas the console's filter offers, in this order (entries of other areas are still listed and exported). */
    public static final List<String> AREAS = List.of("provisioning", "token", "settings", "saml", "admin", "account", "app",
            "organization");

    @Override
    public String toString() {
        return code;
    }
}
