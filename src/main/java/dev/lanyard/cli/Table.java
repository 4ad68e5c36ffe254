package dev.lanyard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with a header row, columns padded to their widest cell. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(String... cells) {
        if (cells.length != rows.getFirst().length) throw new IllegalArgumentException("expected " + rows.getFirst().length + " cells");
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int columns = rows.getFirst().length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                if (i > 0) line.append("  ");
                line.append(row[i]);
                if (i < columns - 1) line.append(" ".repeat(widths[i] - row[i].length()));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
