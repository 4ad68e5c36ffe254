package dev.lanyard.audit;

import java.util.Optional;

/**
 * A failed SCIM request explained for the admin who has to fix it, usually in the IdP's settings.
 * Keyed on what the server answered; the detail the IdP received stays next to the hint.
 */
final class FailureHints {
    private FailureHints() {}

    static Optional<String> hint(int status, Optional<String> scimType, Optional<String> detail) {
        String d = detail.orElse("");
        String type = scimType.orElse("");
        if (status == 401) {
            return Optional.of("The IdP's token is wrong, revoked, or belongs to another organization: generate a new token "
                    + "on the User provisioning page and paste it into the IdP (Okta: Authentication Mode HTTP Header, Authorization; Entra: Secret Token).");
        }
        if (status == 403 && d.contains("disabled")) {
            return Optional.of("User provisioning is off for this organization: Organization > User provisioning > Manage > Enable > Save.");
        }
        if (d.startsWith("userName must be an email address")) {
            return Optional.of("userName is not an email address: set Okta's application username format to Email "
                    + "(Sign On > Settings), or map userPrincipalName or mail to userName in Entra ID.");
        }
        if (status == 409 || type.equals("uniqueness")) {
            return Optional.of("Another user of this organization already has this userName. Find it under Managed accounts; "
                    + "if it is an old account, remove it from the IdP's assignments or change one of the usernames.");
        }
        // A user id nobody has ("no user with id ...") versus an address that is not an endpoint at all.
        if (status == 404 && !d.startsWith("no user")) {
            return Optional.of("The IdP called an address Lanyard does not serve: check the SCIM URL in the IdP (Okta: SCIM "
                    + "connector base URL; Entra ID: Tenant URL). It is the one on User provisioning, ending with the "
                    + "organization id, without /Users.");
        }
        if (status == 404) {
            return Optional.of("The user no longer exists in Lanyard (the IdP deleted it, or an admin deleted the account by "
                    + "hand). Assigning the person again in the IdP creates a new account.");
        }
        if (status == 413) {
            return Optional.of("The request was too large for Lanyard; the detail gives the limit. A Bulk request can be "
                    + "split into smaller ones in the IdP's settings.");
        }
        if (type.equals("invalidFilter")) {
            return Optional.of("The IdP asked with a filter Lanyard cannot read; the detail says which part. Check the "
                    + "matching attribute in the IdP's attribute mapping.");
        }
        if (type.equals("invalidSyntax")) {
            return Optional.of("The IdP sent a request Lanyard cannot read (not JSON, or not the shape SCIM asks for); the "
                    + "detail says what. This is rarely a setting: if it repeats, send the request body below to the "
                    + "IdP's support.");
        }
        if (type.equals("noTarget") || type.equals("invalidPath")) {
            return Optional.of("The IdP's PATCH names an attribute path Lanyard cannot apply (the detail says which). Check "
                    + "the attribute mappings in the IdP for that attribute.");
        }
        if (type.equals("mutability")) {
            return Optional.of("The IdP tried to change an attribute that cannot change (such as id); the detail names it.");
        }
        if (type.equals("invalidValue")) {
            return Optional.of("The IdP sent a value Lanyard cannot store; the detail names the attribute. Check that "
                    + "attribute's mapping in the IdP.");
        }
        if (status == 412) {
            return Optional.of("The user changed between the IdP's read and its write; the IdP retries on its next cycle.");
        }
        if (status >= 500) {
            return Optional.of("Lanyard failed on its side; the server log has the details under the request id. "
                    + "The IdP retries on its next cycle.");
        }
        return Optional.empty();
    }
}
