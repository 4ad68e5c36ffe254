package dev.lanyard.console;

/** The landing page after sign-in (console/home.jte): the organization and its settings. */
public record HomePage(ConsoleSession session) {}
