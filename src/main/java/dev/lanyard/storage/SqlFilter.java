package dev.lanyard.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.AndFilter;
import com.unboundid.scim2.common.filters.CombiningFilter;
import com.unboundid.scim2.common.filters.ComplexValueFilter;
import com.unboundid.scim2.common.filters.ContainsFilter;
import com.unboundid.scim2.common.filters.EndsWithFilter;
import com.unboundid.scim2.common.filters.EqualFilter;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.GreaterThanFilter;
import com.unboundid.scim2.common.filters.GreaterThanOrEqualFilter;
import com.unboundid.scim2.common.filters.LessThanFilter;
import com.unboundid.scim2.common.filters.LessThanOrEqualFilter;
import com.unboundid.scim2.common.filters.NotEqualFilter;
import com.unboundid.scim2.common.filters.NotFilter;
import com.unboundid.scim2.common.filters.OrFilter;
import com.unboundid.scim2.common.filters.PresentFilter;
import com.unboundid.scim2.common.filters.StartsWithFilter;
import dev.lanyard.scim.AttributePath;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a parsed SCIM filter (RFC 7644 §3.4.2.2) into one parameterised SQL condition, given a
 * feature's {@link ColumnMap} from attribute paths to SQL. Values are always bound, never
 * spliced into the text.
 *
 * <pre>userName eq "Ann@Example.com" and not (emails[type eq "work" and value co "@example.com"])
 *   -> (lower(email) = lower(?) and not coalesce(exists (select 1 from jsonb_array_elements(...) e1(v)
 *        where (lower(e1.v ->> 'type') = lower(?) and lower(e1.v ->> 'value') like lower(?) escape '\')), false))
 *      ["Ann@Example.com", "work", "%@example.com%"]</pre>
 *
 * Comparisons stay bare so PostgreSQL can match them to indexes (lower(email) = lower(?) uses the
 * userName index; a column map may send like to its own indexed form, {@link Scalar#indexedLike});
 * only negations wrap their operand in coalesce.
 *
 * Semantics, the same as an in-memory evaluation of the filter: a comparison with an absent
 * value is false; {@code ne} and {@code not} are the negation of {@code eq} and of their
 * operand; a comparison on a multi-valued attribute holds when some value satisfies it; strings
 * compare by their schema's caseExact, and order (gt, lt ...) by code point ({@code collate "C"}).
 * Anything not supported is refused with 400 invalidFilter saying what is, never answered with a
 * silently empty list. Filters are bounded in size and nesting.
 */
public final class SqlFilter {
    /** At most this many comparisons in one filter, nested at most {@link #MAX_DEPTH} deep. */
    public static final int MAX_COMPARISONS = 64;
    public static final int MAX_DEPTH = 16;

    /** The SQL type of an attribute and how its strings compare. */
    public enum Kind { TEXT_IGNORE_CASE, TEXT_EXACT, UUID, BOOLEAN, DATETIME, DECIMAL, COMPLEX }

    /** Where an attribute lives: a value on the row, or the elements of a multi-valued attribute. */
    public sealed interface Target permits Scalar, Each {}

    /**
     * A single value, as a SQL expression of the kind's type (text, boolean, timestamptz, numeric, jsonb).
     * {@code indexedLike}, if present, is an indexed way to say {@code lower(sql) like lower(?) escape '\'}
     * for co, sw and ew (caseExact false): its one {@code ?} is the LIKE pattern, already escaped.
     * {@code indexedEq}, if present, is an indexed way to say {@code lower(sql) = lower(?)} (caseExact
     * false; ne is its negation, as for any eq): its one {@code ?} is the value.
     */
    public record Scalar(String sql, Kind kind, Optional<String> indexedLike, Optional<String> indexedEq) implements Target {
        public Scalar(String sql, Kind kind) {
            this(sql, kind, Optional.empty(), Optional.empty());
        }

        public Scalar(String sql, Kind kind, Optional<String> indexedLike) {
            this(sql, kind, indexedLike, Optional.empty());
        }
    }

    /**
     * A multi-valued attribute stored as a jsonb array: a condition holds when some element
     * satisfies it. {@code subAttribute} is the one the path names ("emails.value"), or the
     * implied "value" ("emails"); {@code indexedEq}, if present, is an indexed way to say
     * "some element's subAttribute equals ?" (caseExact false) that the plain EXISTS cannot use.
     */
    public record Each(String arraySql, String subAttribute, ElementResolver elements, Optional<String> indexedEq)
            implements Target {}

    /** Resolves a sub-attribute of an element (bound to {@code alias.v}, a jsonb object). */
    @FunctionalInterface
    public interface ElementResolver {
        Optional<Scalar> resolve(String alias, String subAttribute);
    }

    /** A feature's filterable attributes. */
    @FunctionalInterface
    public interface ColumnMap {
        /** The attribute at a path: its schema URN (null for the core schema) and attribute names as written. */
        Optional<Target> resolve(String schemaUrn, List<String> names);
    }

    /**
     * A WHERE fragment and the values it binds, in order. {@code lookup}: the whole filter is one
     * {@code eq} on a text or id attribute ({@code userName eq "..."}, the IdPs' pre-check), which
     * matches a few rows in any organization, so its plan does not depend on the value and may be
     * kept once the database is large enough (Database.KEPT_PLANS_MIN_ROWS;
     * Sql.PLANNED_WITH_VALUES is for the other filters).
     */
    public record Where(String sql, List<Object> params, boolean lookup) {}

    private SqlFilter() {}

    public static Where translate(Filter filter, ColumnMap columns, String coreSchemaUrn, String supported)
            throws BadRequestException {
        var t = new Translator(columns, coreSchemaUrn, supported);
        try {
            String sql = t.condition(filter, 0);
            boolean lookup = filter instanceof EqualFilter && t.comparisons == 1 && t.leafKind != null
                    && switch (t.leafKind) {
                        case TEXT_IGNORE_CASE, TEXT_EXACT, UUID -> true;
                        default -> false;
                    };
            return new Where(sql, List.copyOf(t.params), lookup);
        } catch (BadRequestException e) {
            throw e;
        } catch (ScimException e) {
            throw BadRequestException.invalidFilter(e.getMessage());
        }
    }

    private static final class Translator {
        final ColumnMap columns;
        final String coreSchemaUrn;
        final String supported;
        final List<Object> params = new ArrayList<>();
        int comparisons;
        int aliases;
        /** The kind of the last attribute compared directly (not through an index of its array). */
        Kind leafKind;

        Translator(ColumnMap columns, String coreSchemaUrn, String supported) {
            this.columns = columns;
            this.coreSchemaUrn = coreSchemaUrn;
            this.supported = supported;
        }

        /**
         * A boolean SQL condition. It may be NULL where a value is absent; NULL and false select
         * the same rows, and every negation wraps its operand in coalesce(..., false).
         */
        String condition(Filter f, int depth) throws ScimException {
            if (depth > MAX_DEPTH) {
                throw BadRequestException.invalidFilter("the filter nests deeper than " + MAX_DEPTH + " levels");
            }
            return switch (f) {
                case AndFilter and -> combine(and, " and ", depth);
                case OrFilter or -> combine(or, " or ", depth);
                case NotFilter not -> "not " + coalesce(condition(not.getInvertedFilter(), depth + 1));
                case ComplexValueFilter cv -> valuePath(cv, depth);
                default -> comparison(f, columns);
            };
        }

        private String combine(CombiningFilter f, String op, int depth) throws ScimException {
            List<String> parts = new ArrayList<>();
            for (Filter sub : f.getCombinedFilters()) parts.add(condition(sub, depth + 1));
            return "(" + String.join(op, parts) + ")";
        }

        /** {@code emails[type eq "work" and value co "@x"]}: one element satisfies the inner filter. */
        private String valuePath(ComplexValueFilter cv, int depth) throws ScimException {
            Path path = cv.getAttributePath();
            Target target = resolve(path, cv);
            if (!(target instanceof Each each)) {
                throw BadRequestException.invalidFilter("\"" + path + "\" is not multi-valued, so it takes no [filter]; "
                        + "compare it directly");
            }
            String alias = "e" + (++aliases);
            ColumnMap inElement = (urn, names) -> names.size() == 1
                    ? each.elements().resolve(alias, names.getFirst()).map(Target.class::cast)
                    : Optional.empty();
            String inner = new Scoped(this, inElement).condition(cv.getValueFilter(), depth + 1);
            return exists(each, alias, inner);
        }

        /** One comparison ({@code eq ne co sw ew gt ge lt le pr}) against the attribute at its path. */
        String comparison(Filter f, ColumnMap scope) throws ScimException {
            if (++comparisons > MAX_COMPARISONS) {
                throw BadRequestException.invalidFilter("the filter has more than " + MAX_COMPARISONS + " comparisons");
            }
            Path path = f.getAttributePath();
            Target target = resolveIn(scope, path, f);
            return switch (target) {
                case Scalar s -> leaf(f, s);
                case Each each -> {
                    String alias = "e" + (++aliases);
                    if (f instanceof EqualFilter && each.indexedEq().isPresent() && f.getComparisonValue() != null
                            && f.getComparisonValue().isTextual()) {
                        params.add(f.getComparisonValue().asText());
                        yield each.indexedEq().get();
                    }
                    if (f instanceof NotEqualFilter) {
                        // ne is "not eq": no element equals the value
                        yield "not " + coalesce(comparison(Filter.eq(path, f.getComparisonValue()), scope));
                    }
                    Scalar element = each.elements().resolve(alias, each.subAttribute()).orElseThrow(() -> unknown(path));
                    yield exists(each, alias, leaf(f, element));
                }
            };
        }

        private String exists(Each each, String alias, String condition) {
            return "exists (select 1 from jsonb_array_elements(case when jsonb_typeof(" + each.arraySql() + ") = 'array' then "
                    + each.arraySql() + " else '[]'::jsonb end) as " + alias + "(v) where " + condition + ")";
        }

        private String leaf(Filter f, Scalar s) throws BadRequestException {
            leafKind = s.kind();
            String x = s.sql();
            JsonNode v = f.getComparisonValue();
            String sql = switch (f) {
                case PresentFilter p -> switch (s.kind()) {
                    case TEXT_IGNORE_CASE, TEXT_EXACT -> "coalesce(" + x + ", '') <> ''";
                    default -> x + " is not null";
                };
                case EqualFilter e -> compare(f, s, "=", v);
                case NotEqualFilter ne -> "not " + coalesce(compare(f, s, "=", v));
                case GreaterThanFilter g -> ordered(f, s, ">", v);
                case GreaterThanOrEqualFilter g -> ordered(f, s, ">=", v);
                case LessThanFilter l -> ordered(f, s, "<", v);
                case LessThanOrEqualFilter l -> ordered(f, s, "<=", v);
                case ContainsFilter c -> like(f, s, v, "%", "%");
                case StartsWithFilter sw -> like(f, s, v, "", "%");
                case EndsWithFilter ew -> like(f, s, v, "%", "");
                default -> throw BadRequestException.invalidFilter("unsupported filter " + f);
            };
            // Bare, so PostgreSQL can use an index: in WHERE, NULL (an absent value) already
            // selects nothing. Only negations need NULL turned into false (see not / ne).
            return sql;
        }

        private String compare(Filter f, Scalar s, String op, JsonNode v) throws BadRequestException {
            return switch (s.kind()) {
                case TEXT_IGNORE_CASE -> {
                    if (op.equals("=") && s.indexedEq().isPresent()) {
                        params.add(text(f, v));
                        // In parentheses: the column map's form may be several terms (and, or).
                        yield "(" + s.indexedEq().get() + ")";
                    }
                    yield "lower(" + s.sql() + ") " + op + " lower(" + bind(text(f, v)) + ")";
                }
                case TEXT_EXACT -> s.sql() + " " + op + " " + bind(text(f, v));
                case UUID -> {
                    Optional<UUID> id = uuid(text(f, v));
                    yield id.isEmpty() ? "false" : s.sql() + " " + op + " " + bind(id.get());
                }
                case BOOLEAN -> {
                    if (v == null || !v.isBoolean()) throw invalid(f, "compare it with true or false");
                    yield s.sql() + " " + op + " " + bind(v.booleanValue());
                }
                case DATETIME -> s.sql() + " " + op + " " + bind(dateTime(f, v)) + "::timestamptz";
                case DECIMAL -> {
                    if (v == null || !v.isNumber()) throw invalid(f, "compare it with a number");
                    yield s.sql() + " " + op + " " + bind(v.decimalValue()) + "::numeric";
                }
                case COMPLEX -> throw invalid(f, "it is complex: compare one of its sub-attributes, or use pr");
            };
        }

        private String ordered(Filter f, Scalar s, String op, JsonNode v) throws BadRequestException {
            return switch (s.kind()) {
                // Code-point order, the same for every database collation and for clients.
                case TEXT_IGNORE_CASE -> "lower(" + s.sql() + ") collate \"C\" " + op + " lower(" + bind(text(f, v)) + ") collate \"C\"";
                case TEXT_EXACT -> s.sql() + " collate \"C\" " + op + " " + bind(text(f, v)) + " collate \"C\"";
                case DATETIME, DECIMAL -> compare(f, s, op, v);
                case UUID, BOOLEAN, COMPLEX -> throw invalid(f, "it has no order: use eq, ne or pr");
            };
        }

        private String like(Filter f, Scalar s, JsonNode v, String before, String after) throws BadRequestException {
            String pattern = before + escapeLike(text(f, v)) + after;
            return switch (s.kind()) {
                case TEXT_IGNORE_CASE -> {
                    if (s.indexedLike().isPresent()) {
                        params.add(pattern);
                        yield s.indexedLike().get();
                    }
                    yield "lower(" + s.sql() + ") like lower(" + bind(pattern) + ") escape '\\'";
                }
                case TEXT_EXACT -> s.sql() + " like " + bind(pattern) + " escape '\\'";
                default -> throw invalid(f, "co, sw and ew work on strings only");
            };
        }

        private String bind(Object value) {
            params.add(value);
            return "?";
        }

        private Target resolve(Path path, Filter f) throws BadRequestException {
            return resolveIn(columns, path, f);
        }

        private Target resolveIn(ColumnMap scope, Path path, Filter f) throws BadRequestException {
            String urn = AttributePath.extension(path.getSchemaUrn(), List.of(coreSchemaUrn)).orElse(null);
            List<String> names = new ArrayList<>();
            for (Path.Element e : path) {
                if (e.getValueFilter() != null) {
                    throw BadRequestException.invalidFilter("a [filter] inside an attribute path (" + path + ") is not "
                            + "supported in filters; write it as attr[sub eq \"x\" and ...]");
                }
                names.add(e.getAttribute());
            }
            if (names.isEmpty()) throw unknown(path);
            return scope.resolve(urn, names).orElseThrow(() -> unknown(path));
        }

        private BadRequestException unknown(Path path) {
            return BadRequestException.invalidFilter("cannot filter on \"" + path + "\": no such attribute; " + supported);
        }

        private static String coalesce(String condition) {
            return "coalesce(" + condition + ", false)";
        }

        private static String text(Filter f, JsonNode v) throws BadRequestException {
            if (v == null || !v.isTextual()) throw invalid(f, "compare it with a quoted string");
            return v.asText();
        }

        private static Timestamp dateTime(Filter f, JsonNode v) throws BadRequestException {
            String s = text(f, v);
            try {
                OffsetDateTime t = OffsetDateTime.parse(s);
                // Java reads "+294277-01-01T00:00:00Z"; PostgreSQL's timestamptz cannot hold it.
                if (t.getYear() < 1 || t.getYear() > 9999) throw invalid(f, "dateTimes run from the year 1 to 9999");
                return Timestamp.from(t.toInstant());
            } catch (DateTimeParseException e) {
                throw invalid(f, "it is a dateTime: compare it with a value such as \"2026-01-31T09:00:00Z\"");
            }
        }

        private static BadRequestException invalid(Filter f, String hint) {
            return BadRequestException.invalidFilter("in " + f + ", " + f.getAttributePath() + " cannot be compared that way: " + hint);
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

    /** A translator working inside a value path's brackets: attribute names resolve against one element. */
    private record Scoped(Translator outer, ColumnMap scope) {
        String condition(Filter f, int depth) throws ScimException {
            if (depth > MAX_DEPTH) {
                throw BadRequestException.invalidFilter("the filter nests deeper than " + MAX_DEPTH + " levels");
            }
            return switch (f) {
                case AndFilter and -> combine(and.getCombinedFilters(), " and ", depth);
                case OrFilter or -> combine(or.getCombinedFilters(), " or ", depth);
                case NotFilter not -> "not " + Translator.coalesce(condition(not.getInvertedFilter(), depth + 1));
                case ComplexValueFilter cv -> throw BadRequestException.invalidFilter("value paths cannot nest: " + cv);
                default -> outer.comparison(f, scope);
            };
        }

        private String combine(List<Filter> filters, String op, int depth) throws ScimException {
            List<String> parts = new ArrayList<>();
            for (Filter sub : filters) parts.add(condition(sub, depth + 1));
            return "(" + String.join(op, parts) + ")";
        }
    }

}
