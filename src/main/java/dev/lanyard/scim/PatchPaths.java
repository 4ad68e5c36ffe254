package dev.lanyard.scim;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.types.AttributeDefinition;

import java.util.Optional;

/**
 * A PATCH {@code path} (RFC 7644 §3.5.2, ABNF in §3.10) checked against the User schemas before
 * the SCIM SDK sees it. The SDK's parser is lenient where leniency loses data: it reads
 * {@code emails[type eq "work"} without its {@code ]}, and applies {@code fooBar} or
 * {@code name.fooBar} to nothing and reports success. Here every path must parse completely and
 * name an attribute (and sub-attribute) of the core User schema or the Enterprise extension, else
 * 400 {@code invalidPath} naming what is wrong.
 *
 * <pre>
 * title                                   name.givenName
 * emails[type eq "work"].value            urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
 * urn:ietf:params:scim:schemas:extension:enterprise:2.0:User      (the whole extension, RFC 7643 §3.3)
 * </pre>
 */
final class PatchPaths {
    static final int MAX_LENGTH = 1024;

    /**
     * Where a path points.
     *
     * @param sdkPath   the path as the SDK reads it (the whole extension is {@code urn:...:User:})
     * @param attribute the top-level attribute; empty for the whole extension
     * @param sub       the sub-attribute, if the path names one
     */
    record Target(String sdkPath, Optional<AttributeDefinition> attribute, Optional<AttributeDefinition> sub) {
        boolean isWholeExtension() {
            return attribute.isEmpty();
        }

        /** The top-level attribute's name when the path names no sub-attribute ("active", not "name.givenName"). */
        Optional<String> topLevelName() {
            return sub.isPresent() ? Optional.empty() : attribute.map(AttributeDefinition::getName);
        }
    }

    private PatchPaths() {}

    /**
     * @param where "Operations[2]", for messages
     * @param path  the path as sent, the core schema URN already stripped ({@link IdpQuirks})
     */
    static Target check(String where, String path) throws BadRequestException {
        String shown = where + ".path \"" + (path.length() <= 120 ? path : path.substring(0, 117) + "...") + "\"";
        if (path.isBlank()) {
            throw BadRequestException.invalidPath(where + ".path is empty: name an attribute such as \"title\", "
                    + "or leave \"path\" out of an add or replace to give the attributes in \"value\"");
        }
        if (path.length() > MAX_LENGTH) {
            throw BadRequestException.invalidPath(where + ".path is longer than " + MAX_LENGTH + " characters");
        }
        // Control characters have no place in a path (U+0000 never gets here: the body reader refuses it).
        Optional<String> control = Brackets.controlCharacter(path);
        if (control.isPresent()) throw BadRequestException.invalidPath(shown + " contains the control character " + control.get());
        Optional<String> unbalanced = Brackets.problem(path);
        if (unbalanced.isPresent()) throw BadRequestException.invalidPath(shown + " " + unbalanced.get());
        String ent = ScimJson.ENTERPRISE_USER_SCHEMA;
        if (path.equalsIgnoreCase(ent) || path.equalsIgnoreCase(ent + ":")) {
            return new Target(ent + ":", Optional.empty(), Optional.empty());
        }
        Path parsed;
        try {
            parsed = Path.fromString(path);
        } catch (BadRequestException e) {
            throw BadRequestException.invalidPath(shown + " cannot be parsed: " + firstLine(e.getMessage()));
        }
        boolean enterprise = parsed.getSchemaUrn() != null;
        if (enterprise && !parsed.getSchemaUrn().equalsIgnoreCase(ent)) {
            throw BadRequestException.invalidPath(shown + " names the schema " + parsed.getSchemaUrn()
                    + ", which this server does not have; it knows " + ScimJson.USER_SCHEMA + " and " + ent);
        }
        if (parsed.size() == 0) throw BadRequestException.invalidPath(shown + " names no attribute");
        if (parsed.size() > 2) {
            throw BadRequestException.invalidPath(shown + " is nested too deep: a path names an attribute and at most one "
                    + "sub-attribute");
        }
        Path.Element first = parsed.getElement(0);
        AttributeDefinition attribute = (enterprise ? UserSchema.enterprise(first.getAttribute()) : UserSchema.core(first.getAttribute()))
                .orElseThrow(() -> BadRequestException.invalidPath(shown + ": " + first.getAttribute() + " is not an attribute of "
                        + (enterprise ? "the Enterprise User extension" : "the User schema" + elsewhere(first.getAttribute()))));
        if (first.getValueFilter() != null) {
            if (attribute.getSubAttributes() == null || !attribute.isMultiValued()) {
                throw BadRequestException.invalidPath(shown + ": " + attribute.getName()
                        + " is not a multi-valued complex attribute, so it takes no [filter]");
            }
            checkFilterAttributes(shown, attribute, first.getValueFilter());
        }
        Optional<AttributeDefinition> sub = Optional.empty();
        if (parsed.size() == 2) {
            Path.Element second = parsed.getElement(1);
            if (second.getValueFilter() != null) {
                throw BadRequestException.invalidPath(shown + ": only the attribute before the first dot can have a [filter]");
            }
            sub = Optional.of(UserSchema.subAttribute(attribute, second.getAttribute()).orElseThrow(() ->
                    BadRequestException.invalidPath(shown + ": " + second.getAttribute() + " is not a sub-attribute of "
                            + attribute.getName())));
        }
        return new Target(path, Optional.of(attribute), sub);
    }

    /** {@code emails[fooBar eq "x"]}: the filter inside brackets names sub-attributes of the attribute. */
    private static void checkFilterAttributes(String shown, AttributeDefinition attribute, Filter filter)
            throws BadRequestException {
        if (filter.isCombiningFilter()) {
            for (Filter f : filter.getCombinedFilters()) checkFilterAttributes(shown, attribute, f);
            return;
        }
        if (filter.isNotFilter()) {
            checkFilterAttributes(shown, attribute, filter.getInvertedFilter());
            return;
        }
        Path inner = filter.getAttributePath();
        if (inner == null || inner.size() == 0) return;
        String name = inner.getElement(0).getAttribute();
        if (UserSchema.subAttribute(attribute, name).isEmpty()) {
            throw BadRequestException.invalidPath(shown + ": the filter names " + name + ", which is not a sub-attribute of "
                    + attribute.getName());
        }
    }

    /** "(it is in the Enterprise User extension: urn:...:User:department)" when that is where it lives. */
    private static String elsewhere(String attribute) {
        return UserSchema.enterprise(attribute)
                .map(d -> " (it is in the Enterprise User extension: " + ScimJson.ENTERPRISE_USER_SCHEMA + ":" + d.getName() + ")")
                .orElse("");
    }

    static String firstLine(String message) {
        if (message == null) return "syntax error";
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        // The SDK quotes the JSON parser's wording ("Unrecognized token 'work': was expecting (JSON
        // String, ...)"); the position before it is what a person needs.
        int jackson = line.indexOf(": Unrecognized token");
        return jackson < 0 ? line : line.substring(0, jackson) + ": a value must be quoted, or true, false, null or a number";
    }
}
