package dev.lanyard.account;

import java.time.Instant;

/** One entry of an account's history: created, updated, deactivated, invalidated, disabled, deleted ... */
public record AccountEvent(String kind, String detailJson, String actor, Instant at) {}
