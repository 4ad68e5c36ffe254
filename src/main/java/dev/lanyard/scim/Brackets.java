package dev.lanyard.scim;

import java.util.Optional;

/**
 * Balance of the brackets, parentheses and quoted strings in a filter or a PATCH path (RFC 7644
 * §3.4.2.2, §3.10). The SCIM SDK's parser accepts {@code emails[type eq "work"} without its
 * {@code ]} and reads it as if it were closed; a client that sent that has a bug we should show it.
 */
final class Brackets {
    private Brackets() {}

    /** What is unbalanced ("has a [ without its closing ]"), or empty. Inside strings, \" does not close. */
    static Optional<String> problem(String text) {
        int squares = 0;
        int parens = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inString) {
                if (ch == '\\') i++;
                else if (ch == '"') inString = false;
                continue;
            }
            switch (ch) {
                case '"' -> inString = true;
                case '[' -> squares++;
                case '(' -> parens++;
                case ']' -> {
                    if (--squares < 0) return Optional.of("has a ] without a [ at position " + (i + 1));
                }
                case ')' -> {
                    if (--parens < 0) return Optional.of("has a ) without a ( at position " + (i + 1));
                }
                default -> { }
            }
        }
        if (inString) return Optional.of("has a string without its closing \"");
        if (squares > 0) return Optional.of("has a [ without its closing ]");
        if (parens > 0) return Optional.of("has a ( without its closing )");
        return Optional.empty();
    }

    /** The first control character (U+0000 to U+001F, U+007F to U+009F) as "U+000A at position 5", or empty. */
    static Optional<String> controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isISOControl(ch)) {
                String name = Character.getName(ch);
                return Optional.of(String.format("U+%04X", (int) ch) + (name == null ? "" : " (" + name + ")")
                        + " at position " + (i + 1));
            }
        }
        return Optional.empty();
    }
}
