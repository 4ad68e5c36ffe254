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
                    + "on the User provisioning page and paste it into the IdP (Okta: API Token; Entra: Secret Token).");
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
        if (status == 404) {
            return Optional.of("The user is no longer linked (deleted in the IdP or here). Re-assigning the user in the IdP "
                    + "creates it again.");
        }
        if (type.equals("invalidFilter")) {
            return Optional.of("The IdP asked with a filter Lanyard cannot read; the detail says which part. Check the "
                    + "matching attribute in the IdP's attribute mapping.");
        }
        if (type.equals("invalidValue") || type.equals("invalidSyntax") || type.equals("mutability") || type.equals("noTarget")) {
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
