package dev.lanyard.organization;

import dev.lanyard.domain.DomainException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What happens to a managed account when the IdP changes its userName (beyond letter case), an
 * organization's choice (docs/product-rules.md rule 7 is the default):
 *
 * <ul>
 *   <li>{@code NEW_ACCOUNT} ("new_account"): the account is invalidated and kept for the record;
 *       a new account with the new userName takes over the SCIM id.</li>
 *   <li>{@code RENAME_IN_PLACE} ("rename_in_place"): the same account, SCIM id and history get
 *       the new userName as their email.</li>
 * </ul>
 */
public enum UsernameChangePolicy {
    NEW_ACCOUNT, RENAME_IN_PLACE;

    /** The value stored in organizations.username_change_policy and sent by the admin API. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UsernameChangePolicy fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /**
     * What an admin or operator sent: "new_account" or "rename_in_place", in any letter case and
     * with "-" for "_" (the command line's spelling). Anything else is refused with the choices.
     */
    public static UsernameChangePolicy parse(String value) {
        String key = value == null ? "" : value.strip().replace('-', '_').toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.name().equals(key)).findFirst()
                .orElseThrow(() -> new DomainException.Invalid("the username change policy must be one of "
                        + Arrays.stream(values()).map(UsernameChangePolicy::dbValue).collect(Collectors.joining(", "))
                        + "; got \"" + shown(value) + "\""));
    }

    private static String shown(String value) {
        if (value == null) return "";
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
