package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.util.List;
import java.util.Optional;

/** "Apps" (console/apps.jte): each app the operator offers this organization, and whether the organization has it on. */
public record AppsPage(ConsoleSession session, List<Row> apps, Optional<String> notice) {
    public record Row(String clientId, String name, boolean on) {}
}
