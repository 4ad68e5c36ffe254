package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import dev.lanyard.scim.Projection;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parameters of a list or search request (RFC 7644 §3.4.2, §3.4.3; RFC 9865), from the
 * query string of {@code GET /Users} or the body of {@code POST /Users/.search}. Parsed and
 * checked completely before anything runs.
 *
 * @param cursor empty: index pagination; present (even "") : cursor pagination
 */
record ListRequest(Optional<String> filter, Optional<String> sortBy, boolean descending, Optional<String> startIndex,
                   Optional<String> count, Optional<String> cursor, Projection projection) {

    static final String SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    static ListRequest fromQuery(Context ctx) throws BadRequestException {
        return new ListRequest(opt(ctx.queryParam("filter")), opt(ctx.queryParam("sortBy")),
                descending(ctx.queryParam("sortOrder")), opt(ctx.queryParam("startIndex")), opt(ctx.queryParam("count")),
                ctx.queryParamMap().containsKey("cursor") ? Optional.of(nonNull(ctx.queryParam("cursor"))) : Optional.empty(),
                Projection.parse(ctx.queryParam("attributes"), ctx.queryParam("excludedAttributes")));
    }

    /** A SearchRequest body (RFC 7644 §3.4.3). */
    static ListRequest fromSearchBody(JsonNode body) throws BadRequestException {
        if (!body.isObject()) throw BadRequestException.invalidSyntax("a search needs a JSON object (a SearchRequest)");
        JsonNode schemas = body.get("schemas");
        if (schemas != null && !(schemas.isArray() && contains(schemas, SEARCH_REQUEST))) {
            throw BadRequestException.invalidSyntax("schemas must contain " + SEARCH_REQUEST);
        }
        return new ListRequest(text(body, "filter"), text(body, "sortBy"), descending(text(body, "sortOrder").orElse(null)),
                number(body, "startIndex"), number(body, "count"),
                body.has("cursor") ? Optional.of(text(body, "cursor").orElse("")) : Optional.empty(),
                Projection.of(list(body, "attributes"), list(body, "excludedAttributes")));
    }

    /** Identifies the query for its cursors: all that must stay the same from page to page. */
    String fingerprint(String orgId) {
        return Cursors.fingerprint(orgId, filter.orElse(null), sortBy.map(s -> s.toLowerCase(Locale.ROOT)).orElse(null),
                String.valueOf(descending));
    }

    private static boolean descending(String sortOrder) {
        return sortOrder != null && sortOrder.strip().equalsIgnoreCase("descending");
    }

    private static Optional<String> opt(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (n.isTextual() && n.asText().equalsIgnoreCase(value)) return true;
        return false;
    }

    private static Optional<String> text(JsonNode body, String field) throws BadRequestException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw BadRequestException.invalidValue(field + " must be a string");
        return opt(v.asText());
    }

    private static Optional<String> number(JsonNode body, String field) throws BadRequestException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isIntegralNumber()) throw BadRequestException.invalidValue(field + " must be an integer");
        return Optional.of(v.asText());
    }

    private static List<String> list(JsonNode body, String field) throws BadRequestException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return List.of();
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String s : v.asText().split(",")) if (!s.isBlank()) out.add(s.strip());
            return out;
        }
        if (!v.isArray()) throw BadRequestException.invalidValue(field + " must be an array of attribute names");
        for (JsonNode n : v) {
            if (!n.isTextual()) throw BadRequestException.invalidValue(field + " must be an array of attribute names");
            out.add(n.asText());
        }
        return out;
    }
}
