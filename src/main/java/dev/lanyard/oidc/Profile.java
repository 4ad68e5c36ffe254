package dev.lanyard.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.account.ManagedAccount;

import java.util.Optional;

/**
 * The OIDC profile claims (Core §5.1) read from what the IdP sent over SCIM: {@code name} is the
 * SCIM displayName, else name.formatted, else given and family name joined; absent stays absent.
 */
record Profile(Optional<String> name, Optional<String> givenName, Optional<String> familyName) {

    static Profile of(ManagedAccount account) {
        JsonNode name = account.attributes().path("name");
        Optional<String> given = text(name.path("givenName"));
        Optional<String> family = text(name.path("familyName"));
        Optional<String> full = account.displayName().filter(s -> !s.isBlank())
                .or(() -> text(name.path("formatted")))
                .or(() -> given.isPresent() || family.isPresent()
                        ? Optional.of((given.orElse("") + " " + family.orElse("")).strip()) : Optional.empty());
        return new Profile(full, given, family);
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText()) : Optional.empty();
    }
}
