package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.UsernameChangePolicy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * "Settings" (console/settings.jte): one card per setting. The username change policy is the
 * organization's; "Your password" is the signed-in admin's own (not shown to the operator).
 *
 * @param usernameChangePolicy the organization's current choice
 * @param notice               a message after an action ("Settings saved.")
 * @param safeguard            the mass-deprovisioning safeguard's settings and state (docs/safeguard.md)
 */
public record SettingsPage(ConsoleSession session, UsernameChangePolicy usernameChangePolicy, Optional<String> notice,
                           dev.lanyard.safeguard.SafeguardService.State safeguard) {

    /** A radio button of the username change policy: the value it posts, its label, one sentence on what it does. */
    public record Choice(String value, String label, String explanation) {}

    /** Every policy, the default first; a policy added to the enum must be described here. */
    public static final List<Choice> USERNAME_POLICIES = Arrays.stream(UsernameChangePolicy.values())
            .map(SettingsPage::choice).toList();

    public Choice current() {
        return choice(usernameChangePolicy);
    }

    private static Choice choice(UsernameChangePolicy policy) {
        return switch (policy) {
            case NEW_ACCOUNT -> new Choice(policy.dbValue(), "Create a new account (default)",
                    "The account with the old username is invalidated and kept for the record, and a new account "
                            + "with the new username takes its place.");
            case RENAME_IN_PLACE -> new Choice(policy.dbValue(), "Rename the account in place",
                    "The same account, with its history, takes the new username as its email.");
        };
    }
}
