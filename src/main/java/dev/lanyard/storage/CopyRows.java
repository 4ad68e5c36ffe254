package dev.lanyard.storage;

import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Rows for {@code COPY table (columns) FROM STDIN}, in PostgreSQL's text format: a tab between
 * fields, a newline after each row, {@code \N} for NULL, and a backslash before the characters
 * that would otherwise end a field or a row (backslash, newline, carriage return, tab), as the
 * COPY reference page says under "Text Format". Each value reaches the column's own input function
 * (uuid, timestamptz, jsonb, ...) as the text it would have as a parameter; nothing is planned.
 *
 * <p>Why: a batch written this way costs PostgreSQL less than the same rows as one
 * {@code INSERT ... SELECT FROM unnest(arrays)}, which first parses one array literal per column
 * (issue 16, docs/performance.md). The caller bounds the rows; they are sent in one piece.
 */
public final class CopyRows {
    private final StringBuilder text;
    private boolean inRow;

    public CopyRows(int expectedChars) {
        this.text = new StringBuilder(expectedChars);
    }

    /** The next field of the current row: its {@code toString()}, or NULL. */
    public CopyRows add(Object value) {
        if (inRow) text.append('\t');
        inRow = true;
        if (value == null) {
            text.append("\\N");
            return this;
        }
        String s = value.toString();
        int first = firstSpecial(s);
        if (first < 0) {
            text.append(s);  // most values: ids, times, numbers, paths
            return this;
        }
        text.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(ch);
            }
        }
        return this;
    }

    private static int firstSpecial(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' || ch == '\n' || ch == '\r' || ch == '\t') return i;
        }
        return -1;
    }

    /** The next field: the value, or NULL when empty. */
    public CopyRows add(Optional<?> value) {
        return add(value.orElse(null));
    }

    public CopyRows endRow() {
        text.append('\n');
        inRow = false;
        return this;
    }

    /** The text as it is sent (tests). */
    String text() {
        return text.toString();
    }

    /**
     * Sends the rows with {@code copy} (a {@code COPY ... FROM STDIN} statement) on this
     * connection, in its transaction; returns the number of rows PostgreSQL stored.
     */
    public long copyInto(Connection c, String copy) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new SQLException("COPY could not read its rows", e);
        }
    }
}
