package dev.lanyard.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a parsed SCIM filter (RFC 7644 §3.4.2.2) into a parameterised SQL condition, given a
 * feature's map from attribute paths to columns. Values are always bound, never spliced, and
 * every mapped column has an index behind it, so a lookup costs the same at 100 and at 1,000,000
 * accounts.
 *
 * <pre>userName eq "Ann@Example.com" and active eq true
 *   -> (lower(email) = lower(?) and (status = 'active') = ?)   ["Ann@Example.com", true]</pre>
 *
 * Anything not mapped or not supported is refused with 400 invalidFilter and says what is
 * supported, never answered with a silently empty list.
 */
public final class SqlFilter {
    /** How a filterable attribute is stored. */
    public enum Kind {
        /** A string with caseExact false: compared as lower(column). */
        TEXT_IGNORE_CASE,
        /** A string with caseExact true. */
        TEXT_EXACT,
        /** A server-assigned id stored as uuid; any other text simply matches nothing. */
        UUID,
        BOOLEAN,
        /** A multi-valued string sub-attribute (emails.value), stored as a lower-cased text[]. */
        TEXT_ARRAY_IGNORE_CASE
    }

    /** Where one attribute lives: {@code sql} is a column or an expression with an index on it. */
    public record Column(String sql, Kind kind) {}

    /** A feature's filterable attributes, looked up by lower-cased path ("username", "emails.value"). */
    @FunctionalInterface
    public interface ColumnMap {
        Optional<Column> column(String lowerCasePath);
    }

    /** A WHERE fragment and the values it binds, in order. */
    public record Where(String sql, List<Object> params) {}

    private SqlFilter() {}

    public static Where translate(Filter filter, ColumnMap columns, String coreSchemaUrn, String supported)
            throws BadRequestException {
        List<Object> params = new ArrayList<>();
        try {
            String sql = filter.visit(new Translator(columns, coreSchemaUrn, supported), params);
            return new Where(sql, List.copyOf(params));
        } catch (BadRequestException e) {
            throw e;
        } catch (ScimException e) {
            throw BadRequestException.invalidFilter(e.getMessage());
        }
    }

    private record Translator(ColumnMap columns, String coreSchemaUrn, String supported)
            implements FilterVisitor<String, List<Object>> {

        @Override public String visit(AndFilter f, List<Object> p) throws ScimException { return combine(f, " and ", p); }
        @Override public String visit(OrFilter f, List<Object> p) throws ScimException { return combine(f, " or ", p); }

        @Override public String visit(NotFilter f, List<Object> p) throws ScimException {
            return "not coalesce(" + f.getInvertedFilter().visit(this, p) + ", false)";
        }

        @Override public String visit(EqualFilter f, List<Object> p) throws ScimException {
            Column c = column(f);
            JsonNode v = f.getComparisonValue();
            return switch (c.kind()) {
                case TEXT_IGNORE_CASE -> bindText(p, f, v, "lower(" + c.sql() + ") = lower(?)");
                case TEXT_EXACT -> bindText(p, f, v, c.sql() + " = ?");
                case UUID -> {
                    requireText(f, v);
                    Optional<UUID> id = uuid(v.asText());
                    if (id.isEmpty()) yield "false";  // not one of our ids: no match, not an error
                    p.add(id.get());
                    yield c.sql() + " = ?";
                }
                case BOOLEAN -> {
                    if (v == null || !v.isBoolean()) throw invalid(f, "compare it with true or false");
                    p.add(v.booleanValue());
                    yield c.sql() + " = ?";
                }
                case TEXT_ARRAY_IGNORE_CASE -> bindText(p, f, v, c.sql() + " @> array[lower(?)]");
            };
        }

        @Override public String visit(NotEqualFilter f, List<Object> p) throws ScimException {
            Column c = column(f);
            JsonNode v = f.getComparisonValue();
            return switch (c.kind()) {
                case TEXT_IGNORE_CASE -> bindText(p, f, v, "lower(" + c.sql() + ") is distinct from lower(?)");
                case TEXT_EXACT -> bindText(p, f, v, c.sql() + " is distinct from ?");
                case BOOLEAN -> {
                    if (v == null || !v.isBoolean()) throw invalid(f, "compare it with true or false");
                    p.add(v.booleanValue());
                    yield c.sql() + " is distinct from ?";
                }
                case UUID, TEXT_ARRAY_IGNORE_CASE -> throw unsupported(f);
            };
        }

        @Override public String visit(ContainsFilter f, List<Object> p) throws ScimException { return like(f, "%", "%", p); }
        @Override public String visit(StartsWithFilter f, List<Object> p) throws ScimException { return like(f, "", "%", p); }
        @Override public String visit(EndsWithFilter f, List<Object> p) throws ScimException { return like(f, "%", "", p); }

        @Override public String visit(PresentFilter f, List<Object> p) throws ScimException {
            Column c = column(f);
            return switch (c.kind()) {
                case TEXT_ARRAY_IGNORE_CASE -> "cardinality(" + c.sql() + ") > 0";
                case TEXT_IGNORE_CASE, TEXT_EXACT -> "coalesce(" + c.sql() + ", '') <> ''";
                case UUID, BOOLEAN -> c.sql() + " is not null";
            };
        }

        @Override public String visit(GreaterThanFilter f, List<Object> p) throws ScimException { column(f); throw unsupported(f); }
        @Override public String visit(GreaterThanOrEqualFilter f, List<Object> p) throws ScimException { column(f); throw unsupported(f); }
        @Override public String visit(LessThanFilter f, List<Object> p) throws ScimException { column(f); throw unsupported(f); }
        @Override public String visit(LessThanOrEqualFilter f, List<Object> p) throws ScimException { column(f); throw unsupported(f); }

        @Override public String visit(ComplexValueFilter f, List<Object> p) throws ScimException {
            throw BadRequestException.invalidFilter("value-path filters such as " + f
                    + " are not supported yet; supported: " + supported);
        }

        private String combine(CombiningFilter f, String op, List<Object> p) throws ScimException {
            List<String> parts = new ArrayList<>();
            for (Filter sub : f.getCombinedFilters()) parts.add(sub.visit(this, p));
            return "(" + String.join(op, parts) + ")";
        }

        private String like(Filter f, String before, String after, List<Object> p) throws ScimException {
            Column c = column(f);
            JsonNode v = f.getComparisonValue();
            return switch (c.kind()) {
                case TEXT_IGNORE_CASE -> {
                    requireText(f, v);
                    p.add(before + escapeLike(v.asText()) + after);
                    yield "lower(" + c.sql() + ") like lower(?) escape '\\'";
                }
                case TEXT_EXACT -> {
                    requireText(f, v);
                    p.add(before + escapeLike(v.asText()) + after);
                    yield c.sql() + " like ? escape '\\'";
                }
                case UUID, BOOLEAN, TEXT_ARRAY_IGNORE_CASE -> throw unsupported(f);
            };
        }

        private String bindText(List<Object> p, Filter f, JsonNode v, String sql) throws BadRequestException {
            requireText(f, v);
            p.add(v.asText());
            return sql;
        }

        private Column column(Filter f) throws BadRequestException {
            String path = pathKey(f.getAttributePath(), f);
            return columns.column(path).orElseThrow(() -> BadRequestException.invalidFilter(
                    "cannot filter on \"" + f.getAttributePath() + "\"; supported: " + supported));
        }

        private String pathKey(Path path, Filter f) throws BadRequestException {
            if (path.getSchemaUrn() != null && !path.getSchemaUrn().equalsIgnoreCase(coreSchemaUrn)) {
                throw BadRequestException.invalidFilter("cannot filter on \"" + path + "\"; supported: " + supported);
            }
            List<String> names = new ArrayList<>();
            for (Path.Element e : path) {
                if (e.getValueFilter() != null) {
                    throw BadRequestException.invalidFilter("value-path filters such as " + f
                            + " are not supported yet; supported: " + supported);
                }
                names.add(e.getAttribute());
            }
            return String.join(".", names).toLowerCase(Locale.ROOT);
        }

        private BadRequestException unsupported(Filter f) {
            return BadRequestException.invalidFilter("the filter " + f + " uses an operator not supported on "
                    + f.getAttributePath() + " yet; supported: " + supported);
        }

        private static void requireText(Filter f, JsonNode v) throws BadRequestException {
            if (v == null || !v.isTextual()) throw invalid(f, "compare it with a quoted string");
        }

        private static BadRequestException invalid(Filter f, String hint) {
            return BadRequestException.invalidFilter("in " + f + ", " + f.getAttributePath()
                    + " has another type: " + hint);
        }

        private static Optional<UUID> uuid(String text) {
            try {
                return text.length() == 36 ? Optional.of(UUID.fromString(text)) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        private static String escapeLike(String s) {
            return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        }
    }
}
