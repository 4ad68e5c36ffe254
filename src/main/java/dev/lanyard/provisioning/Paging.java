package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.BadRequestException;

/**
 * startIndex / count of a list request (RFC 7644 §3.4.2.4): startIndex is 1-based and below 1
 * means 1; count below 0 means 0; count above the advertised maximum is capped to it.
 */
record Paging(int startIndex, int count) {
    static final int DEFAULT_COUNT = 100;
    static final int MAX_COUNT = 1000;

    static Paging of(String startIndex, String count) throws BadRequestException {
        int start = Math.max(1, parse("startIndex", startIndex, 1));
        int size = Math.min(MAX_COUNT, Math.max(0, parse("count", count, DEFAULT_COUNT)));
        return new Paging(start, size);
    }

    /** count with a cursor (RFC 9865 §2): a positive integer, capped at the maximum page size. */
    static int cursorCount(String count) throws BadRequestException {
        if (count == null || count.isBlank()) return DEFAULT_COUNT;
        long parsed;
        try {
            parsed = Long.parseLong(count.strip());
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 1) {
            throw new BadRequestException("count must be a positive integer with a cursor, got \"" + count + "\"",
                    Cursors.INVALID_COUNT);
        }
        return (int) Math.min(MAX_COUNT, parsed);
    }

    int offset() {
        return startIndex - 1;
    }

    private static int parse(String name, String value, int fallback) throws BadRequestException {
        if (value == null || value.isBlank()) return fallback;
        try {
            long parsed = Long.parseLong(value.strip());
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, parsed));
        } catch (NumberFormatException e) {
            throw BadRequestException.invalidValue(name + " must be an integer, got \"" + value + "\"");
        }
    }
}
