package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.util.List;
import java.util.Optional;

/**
 * The "User provisioning" screens (console/provisioning*.jte), the product guide's flow
 * (docs/product-rules.md rules 1-3): status, Manage, Enable, Save; the SCIM URL; Generate token (the
 * secret shown once); the token list with Revoke.
 *
 * @param notice   a message after an action ("Settings saved.")
 * @param activity the chart of the IdP's recent requests
 */
public record ProvisioningPage(ConsoleSession session, boolean enabled, String scimUrl, List<Token> tokens,
                               Optional<String> notice, ActivityChart activity) {

    /** A token as listed: never its secret. */
    public record Token(String id, String label, String prefix, String createdBy, String createdAt, String lastUsedAt) {}

    /** The Manage form: the Enable checkbox and Save. */
    public record Manage(ConsoleSession session, boolean enabled) {}

    /**
     * The one page that shows a new token's secret: {@code secret} is empty when it was already
     * shown (a reload, Back); {@code guideHref} leads back to the setup guide the button was on.
     */
    public record Issued(ConsoleSession session, String scimUrl, String label, String prefix, Optional<String> secret,
                         int otherActiveTokens, Optional<String> guideHref, Optional<String> guideName) {}

    /** Are you sure? before revoking a token. */
    public record ConfirmRevoke(ConsoleSession session, Token token) {}
}
