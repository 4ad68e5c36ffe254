package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
/** The landing page after sign-in (console/home.jte): the organization and its settings. */
public record HomePage(ConsoleSession session) {}
