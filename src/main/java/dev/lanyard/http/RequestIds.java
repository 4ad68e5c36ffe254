package dev.lanyard.http;

import io.javalin.http.Context;

import java.util.UUID;

/** A request id for correlating a client's report with the log: the caller's X-Request-Id if sane, else ours. */
public final class RequestIds {
    static final String ATTRIBUTE = "lanyard.requestId";

    private RequestIds() {}

    public static void assign(Context ctx) {
        String given = ctx.header("X-Request-Id");
        String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given : UUID.randomUUID().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
