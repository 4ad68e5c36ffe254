package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.Organization;

import java.util.List;

/** The operator's list of every organization (console/organizations.jte), each with "Open". */
public record OrganizationsPage(ConsoleSession session, List<Organization> organizations) {}
