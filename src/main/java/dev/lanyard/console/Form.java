package dev.lanyard.console;

import java.util.Map;
import java.util.Optional;

/**
 * What console/field.jte needs of a form's page: the message next to each field, which field
 * gets the focus, and the ids a field's aria-describedby lists.
 */
public interface Form {
    /** A message per field name; the record's component. */
    Map<String, String> errors();

    default Optional<String> error(String field) {
        return Optional.ofNullable(errors().get(field));
    }

    /** The field that gets {@code autofocus}: the first with a message, else the first to fill in. */
    String focus();

    /** The ids an input's aria-describedby lists: its hint, then its error when it has one; "" for none. */
    default String describedBy(String field, String hintId) {
        String error = error(field).isPresent() ? field + "-error" : "";
        if (hintId.isEmpty()) return error;
        return error.isEmpty() ? hintId : hintId + " " + error;
    }
}
