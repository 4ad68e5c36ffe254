package dev.lanyard.group;

import java.time.Instant;

/** One entry of a group's history: created, renamed, updated, member_added, member_removed, deleted. */
public record GroupEvent(String kind, String detailJson, String actor, Instant at) {}
