package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON as the console shows it (an account's SCIM attributes, a logged request body): pretty
 * printed, with every invisible format character (Unicode category Cf: bidi overrides and
 * isolates, zero-width characters) written as its JSON escape, {@code \u202E}. The text stays
 * valid JSON, an override cannot reorder what follows it in the block, and the admin sees that
 * the IdP sent one. Arabic, Japanese and every other visible character stay as they are.
 */
final class ShownJson {
    private ShownJson() {}

    static String of(JsonNode node) {
        return escapeFormatCharacters(node.toPrettyString());
    }

    static String escapeFormatCharacters(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.FORMAT) out.append(String.format("\\u%04X", (int) c));
            else out.append(c);
        }
        return out.toString();
    }
}
