package dev.lanyard.provisioning;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.group.Group;
import dev.lanyard.group.GroupService;
import dev.lanyard.scim.Projection;
import dev.lanyard.scim.ScimJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A group as the SCIM Group the IdP sees (RFC 7643 §4.2), written straight to the response.
 *
 * <p>Members are <b>streamed</b>: read from the database in chunks of {@link #CHUNK} ids (each a
 * short keyset query on the primary key, no connection held between them) and written as they
 * come, so a group of 100,000 members costs bounded memory and no long transaction. When the
 * projection leaves {@code members} out ({@code excludedAttributes=members}, Entra's habit, or
 * {@code attributes=displayName}) the membership table is not read at all. Members written in
 * chunks are not one snapshot: a change committed while a big group streams may show in the
 * later chunks only; the ETag is the group's version when the response started.
 *
 * <pre>{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"...","displayName":"Sales",
 *  "members":[{"value":"&lt;user id&gt;","$ref":".../Users/&lt;user id&gt;","type":"User"}, ...],
 *  "meta":{"resourceType":"Group","created":"...","lastModified":"...","location":".../Groups/...","version":"W/\"3\""}}</pre>
 */
final class GroupRepresentation {
    static final int CHUNK = 5000;

    private final GroupService groups;

    GroupRepresentation(GroupService groups) {
        this.groups = groups;
    }

    static String etag(Group g) {
        return "W/\"" + g.version() + "\"";
    }

    /** The group without members, as a JSON tree (small). */
    static ObjectNode render(Group g, String groupsUrl) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.putArray("schemas").add(ScimJson.GROUP_SCHEMA);
        out.put("id", g.id().toString());
        g.externalId().ifPresent(e -> out.put("externalId", e));
        out.put("displayName", g.displayName());
        ObjectNode meta = out.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", g.createdAt().toString());
        meta.put("lastModified", g.updatedAt().toString());
        meta.put("location", groupsUrl + "/" + g.id());
        meta.put("version", etag(g));
        return out;
    }

    /** One group as the whole response body, with the ETag and Location headers. */
    void writeOne(Context ctx, int status, Group g, Projection projection, String groupsUrl, String usersUrl) throws IOException {
        ctx.header("ETag", etag(g));
        ctx.header("Location", groupsUrl + "/" + g.id());  // on every single-resource answer, as for Users
        ctx.status(status).contentType(ScimJson.MEDIA_TYPE);
        try (JsonGenerator gen = generator(ctx)) {
            write(gen, g, projection, groupsUrl, usersUrl);
        }
    }

    /** A ListResponse whose Resources are these groups, each with its members streamed. */
    void writeList(Context ctx, ObjectNode envelope, List<Group> page, Projection projection, String groupsUrl, String usersUrl)
            throws IOException {
        writeResources(ctx, envelope, List.copyOf(page), projection, groupsUrl, usersUrl);
    }

    /**
     * A ListResponse whose Resources are resources of any type, in this order: a {@link Group} is
     * written with its members streamed, anything else (a rendered User) as the JSON tree it is.
     */
    void writeResources(Context ctx, ObjectNode envelope, List<Object> page, Projection projection, String groupsUrl,
                        String usersUrl) throws IOException {
        ctx.status(200).contentType(ScimJson.MEDIA_TYPE);
        try (JsonGenerator gen = generator(ctx)) {
            gen.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = envelope.fields(); it.hasNext(); ) {
                var f = it.next();
                if (f.getKey().equals("Resources")) continue;
                gen.writeFieldName(f.getKey());
                gen.writeTree(f.getValue());
            }
            gen.writeArrayFieldStart("Resources");
            for (Object r : page) {
                if (r instanceof Group g) write(gen, g, projection, groupsUrl, usersUrl);
                else gen.writeTree((JsonNode) r);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
    }

    private void write(JsonGenerator gen, Group g, Projection projection, String groupsUrl, String usersUrl) throws IOException {
        ObjectNode head = projection.apply(render(g, groupsUrl));
        gen.writeStartObject();
        JsonNode meta = head.remove("meta");
        for (Iterator<Map.Entry<String, JsonNode>> it = head.fields(); it.hasNext(); ) {
            var f = it.next();
            gen.writeFieldName(f.getKey());
            gen.writeTree(f.getValue());
        }
        if (projection.returns("members") && g.memberCount() > 0) writeMembers(gen, g, projection, usersUrl);
        if (meta != null) {
            gen.writeFieldName("meta");
            gen.writeTree(meta);
        }
        gen.writeEndObject();
    }

    private void writeMembers(JsonGenerator gen, Group g, Projection projection, String usersUrl) throws IOException {
        Optional<UUID> after = Optional.empty();
        boolean open = false;
        while (true) {
            List<UUID> chunk = groups.members(g.id(), after, CHUNK);
            if (!chunk.isEmpty() && !open) {
                gen.writeArrayFieldStart("members");
                open = true;
            }
            for (UUID id : chunk) {
                JsonNode member = member(id, usersUrl, projection);
                if (member != null) gen.writeTree(member);
            }
            gen.flush();
            if (chunk.size() < CHUNK) break;
            after = Optional.of(chunk.getLast());
        }
        if (open) gen.writeEndArray();
    }

    /** {"value":..., "$ref":..., "type":"User"}, cut to what the projection asks for (e.g. members.value). */
    private static JsonNode member(UUID id, String usersUrl, Projection projection) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("value", id.toString());
        m.put("$ref", usersUrl + "/" + id);
        m.put("type", "User");
        if (projection.isAll()) return m;
        ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
        wrapper.putArray("members").add(m);
        JsonNode kept = projection.apply(wrapper).get("members");
        return kept == null || kept.isEmpty() ? null : kept.get(0);
    }

    private static JsonGenerator generator(Context ctx) throws IOException {
        OutputStream out = ctx.outputStream();
        return ScimJson.MAPPER.getFactory().createGenerator(out);
    }
}
