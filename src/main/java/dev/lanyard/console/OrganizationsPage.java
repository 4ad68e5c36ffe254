package dev.lanyard.console;

import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.Organization;

import java.util.List;
import java.util.Optional;

/**
 * The operator's list of every organization (console/organizations.jte), each with "Open", and
 * the form that creates one ({@code name} as typed, {@code error} when it was refused).
 */
public record OrganizationsPage(ConsoleSession session, List<Organization> organizations, String name, Optional<String> error) {

    /** One organization for the operator (console/organization.jte): its admins, add one, reset a password. */
    public record Detail(ConsoleSession session, Organization organization, List<AdminUserService.Listed> admins,
                         Optional<String> notice, Optional<String> error, String email) {}

    /**
     * A one-time password, shown once (console/organization_password.jte); empty values when the
     * page was opened again ("already shown").
     */
    public record OneTimePassword(ConsoleSession session, Organization organization, boolean reset, Optional<String> email,
                                  Optional<String> password, String loginUrl) {}
}
