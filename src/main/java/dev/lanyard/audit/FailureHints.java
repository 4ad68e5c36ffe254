package dev.lanyard.audit;

import dev.lanyard.domain.FailureReason;

import java.util.Optional;

/**
 * A failed SCIM request explained for the admin who has to fix it, usually in the IdP's settings.
 * Keyed by the {@link FailureReason} stored with the entry when the failure was written, so a
 * reworded error message keeps its hint; the detail the IdP received stays next to the hint.
 * Entries written before reasons were stored (V65) get the reason their status and SCIM error
 * type alone say ({@link FailureReason#of}).
 */
final class FailureHints {
    private FailureHints() {}

    static Optional<String> hint(FailureReason reason) {
        return Optional.ofNullable(switch (reason) {
            case TOKEN_INVALID -> "The IdP's token is wrong, revoked, or belongs to another organization: generate a new token "
                    + "on the User provisioning page and paste it into the IdP (Okta: Authentication Mode HTTP Header, Authorization; Entra: Secret Token).";
            case PROVISIONING_DISABLED ->
                    "User provisioning is off for this organization: Organization > User provisioning > Manage > Enable > Save.";
            case FORBIDDEN -> "Lanyard refused this request as the detail says; it is not a setting of the organization.";
            case USERNAME_NOT_EMAIL -> "userName is not an email address: set Okta's application username format to Email "
                    + "(Sign On > Settings), or map userPrincipalName or mail to userName in Entra ID.";
            case NOT_UNIQUE -> "Another user of this organization already has this userName (or another group this "
                    + "displayName). Find it under Managed accounts or Groups; if it is an old account, remove it from the "
                    + "IdP's assignments or change one of the names.";
            case UNKNOWN_ENDPOINT, METHOD_NOT_ALLOWED -> "The IdP called an address Lanyard does not serve: check the SCIM URL "
                    + "in the IdP (Okta: SCIM connector base URL; Entra ID: Tenant URL). It is the one on User provisioning, "
                    + "ending with the organization id, without /Users.";
            case RESOURCE_NOT_FOUND -> "The user or group no longer exists in Lanyard (the IdP deleted it, or an admin deleted "
                    + "the account by hand). Assigning the person again in the IdP creates a new account.";
            case TOO_LARGE -> "The request was too large for Lanyard; the detail gives the limit. A Bulk request can be "
                    + "split into smaller ones in the IdP's settings.";
            case INVALID_FILTER -> "The IdP asked with a filter Lanyard cannot read; the detail says which part. Check the "
                    + "matching attribute in the IdP's attribute mapping.";
            case INVALID_SYNTAX -> "The IdP sent a request Lanyard cannot read (not JSON, or not the shape SCIM asks for); the "
                    + "detail says what. This is rarely a setting: if it repeats, send the request body below to the "
                    + "IdP's support.";
            case INVALID_PATH -> "The IdP's PATCH names an attribute path Lanyard cannot apply (the detail says which). Check "
                    + "the attribute mappings in the IdP for that attribute.";
            case MUTABILITY -> "The IdP tried to change an attribute that cannot change (such as id); the detail names it.";
            case INVALID_VALUE -> "The IdP sent a value Lanyard cannot store; the detail names the attribute. Check that "
                    + "attribute's mapping in the IdP.";
            case VERSION_MISMATCH -> "The user changed between the IdP's read and its write; the IdP retries on its next cycle.";
            case RATE_LIMITED -> "The IdP sent more requests at once than Lanyard allows one organization; it waits for the "
                    + "Retry-After the answer gave and carries on. Nothing to change unless it repeats for hours.";
            case HELD_BY_SAFEGUARD -> "Lanyard's mass-deprovisioning safeguard held this deactivation or deletion: the IdP "
                    + "removed more accounts than usual. Check the IdP's assignments and sync scope, then release or reject "
                    + "the change under User provisioning > Held changes. Nothing was changed.";
            case BUSY, SERVER_ERROR -> "Lanyard failed on its side; the server log has the details under the request id. "
                    + "The IdP retries on its next cycle.";
            case BAD_REQUEST, NOT_IMPLEMENTED, OTHER -> null;
        });
    }
}
