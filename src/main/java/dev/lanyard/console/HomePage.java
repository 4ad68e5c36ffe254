package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.util.List;
import java.util.Optional;

/**
 * The landing page after sign-in (console/home.jte): the organization's state at a glance and
 * where each setting lives.
 *
 * @param activity one sentence on the last 24 hours of SCIM requests ("312 requests in the last 24 hours, 4 failed; last request 3 minutes ago")
 * @param failures failed SCIM requests in the last 24 hours
 * @param saml     SAML sign-in: "on", "set up, not turned on" or "not set up"
 */
public record HomePage(ConsoleSession session, Optional<String> notice, boolean provisioning, int liveTokens, String activity,
                       long failures, String saml, List<Count> accounts) {

    /** Accounts of one status: its label, how many, and the list of them. */
    public record Count(String status, String count, String href) {}
}
