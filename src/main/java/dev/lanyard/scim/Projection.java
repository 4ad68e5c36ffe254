package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code attributes} and {@code excludedAttributes} (RFC 7644 §3.4.2.5, §3.9): which attributes a
 * response carries. Attributes whose {@code returned} characteristic is "always" ({@code id},
 * {@code schemas}) stay whatever is asked; "never" ones (password) are never stored, so never here.
 *
 * <pre>?attributes=userName,name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
 *   -> {"schemas":[...],"id":"...","userName":"...","name":{"givenName":"..."},"urn:...:User":{"department":"..."}}</pre>
 *
 * Names match in any letter case; a value filter in a requested path ({@code emails[type eq "work"]})
 * selects the whole attribute, as the filter only narrows values and the grammar allows it.
 */
public final class Projection {
    /** Returned whatever the request asks (RFC 7643 §3.1, §4.1: returned "always"). */
    private static final List<String> ALWAYS = List.of("schemas", "id");

    private final List<List<String>> included;
    private final List<List<String>> excluded;

    private Projection(List<List<String>> included, List<List<String>> excluded) {
        this.included = included;
        this.excluded = excluded;
    }

    /** From the two query parameters (either may be null); both at once is refused as ambiguous. */
    public static Projection parse(String attributes, String excludedAttributes) throws BadRequestException {
        return of(split(attributes), split(excludedAttributes));
    }

    /** From lists, as a SearchRequest body carries them. */
    public static Projection of(List<String> attributes, List<String> excludedAttributes) throws BadRequestException {
        if (!attributes.isEmpty() && !excludedAttributes.isEmpty()) {
            throw BadRequestException.invalidValue("use either attributes or excludedAttributes, not both");
        }
        return new Projection(paths(attributes, "attributes"), paths(excludedAttributes, "excludedAttributes"));
    }

    public boolean isAll() {
        return included.isEmpty() && excluded.isEmpty();
    }

    /**
     * Whether a response carries the top-level {@code attribute} at all (in whole or in part), so
     * an attribute that is costly to read ({@code members} of a group, a User's {@code groups})
     * is read only when it will be returned.
     */
    public boolean returns(String attribute) {
        if (ALWAYS.contains(attribute)) return true;
        if (!included.isEmpty()) return included.stream().anyMatch(p -> p.getFirst().equalsIgnoreCase(attribute));
        return excluded.stream().noneMatch(p -> p.size() == 1 && p.getFirst().equalsIgnoreCase(attribute));
    }

    /** A projected copy of a rendered resource. */
    public ObjectNode apply(ObjectNode resource) {
        if (isAll()) return resource;
        if (!included.isEmpty()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = resource.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (ALWAYS.contains(f.getKey())) {
                    out.set(f.getKey(), f.getValue());
                    continue;
                }
                JsonNode kept = keep(f.getKey(), f.getValue(), included, 0);
                if (kept != null) out.set(f.getKey(), kept);
            }
            return out;
        }
        ObjectNode out = resource.deepCopy();
        for (List<String> path : excluded) {
            if (path.size() == 1 && ALWAYS.contains(path.getFirst())) continue;
            remove(out, path, 0);
        }
        return out;
    }

    /** The part of {@code value} (at attribute {@code name}, depth {@code depth}) that some path asks for. */
    private static JsonNode keep(String name, JsonNode value, List<List<String>> paths, int depth) {
        List<List<String>> deeper = new ArrayList<>();
        for (List<String> p : paths) {
            if (p.size() > depth && p.get(depth).equalsIgnoreCase(name)) {
                if (p.size() == depth + 1) return value;  // the whole attribute is asked for
                deeper.add(p);
            }
        }
        if (deeper.isEmpty()) return null;
        if (value.isObject()) return keepChildren((ObjectNode) value, deeper, depth + 1);
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : value) {
                if (item.isObject()) {
                    ObjectNode kept = keepChildren((ObjectNode) item, deeper, depth + 1);
                    if (!kept.isEmpty()) out.add(kept);
                }
            }
            return out.isEmpty() ? null : out;
        }
        return null;
    }

    private static ObjectNode keepChildren(ObjectNode node, List<List<String>> paths, int depth) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode kept = keep(f.getKey(), f.getValue(), paths, depth);
            if (kept != null) out.set(f.getKey(), kept);
        }
        return out;
    }

    private static void remove(JsonNode node, List<String> path, int depth) {
        if (node.isArray()) {
            for (JsonNode item : node) remove(item, path, depth);
            return;
        }
        if (!node.isObject()) return;
        ObjectNode object = (ObjectNode) node;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equalsIgnoreCase(path.get(depth))) continue;
            if (depth == path.size() - 1) {
                it.remove();
            } else {
                remove(f.getValue(), path, depth + 1);
            }
            return;
        }
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) out.add(part.strip());
        }
        return out;
    }

    /**
     * Each name as a list of keys from the resource's top: "name.givenName" -> [name, givenName];
     * "urn:...:User:department" -> [urn:...:User, department]; core-URN prefixes are dropped.
     */
    private static List<List<String>> paths(List<String> names, String parameter) throws BadRequestException {
        List<List<String>> out = new ArrayList<>();
        for (String name : names) {
            Path path;
            try {
                path = Path.fromString(name);
            } catch (BadRequestException e) {
                throw BadRequestException.invalidValue(parameter + " names an attribute that cannot be read: \"" + name + "\"");
            }
            List<String> keys = new ArrayList<>();
            AttributePath.extension(path.getSchemaUrn(), List.of(ScimJson.USER_SCHEMA, ScimJson.GROUP_SCHEMA)).ifPresent(keys::add);
            for (Path.Element e : path) keys.add(e.getAttribute());
            if (!keys.isEmpty()) out.add(List.copyOf(keys));
        }
        return List.copyOf(out);
    }
}
