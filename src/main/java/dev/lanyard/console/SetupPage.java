package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
/**
 * The setup guides (console/setup*.jte): the product guide's steps for one identity provider, with this
 * organization's own values filled in, so an admin pastes rather than types.
 *
 * @param provisioningEnabled whether step 1 (Manage, Enable, Save) is already done
 * @param activeTokens        how many tokens are active; a guide cannot show one (they are shown once)
 */
public record SetupPage(ConsoleSession session, boolean provisioningEnabled, String scimUrl, int activeTokens) {}
