package dev.lanyard.account;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.JsonBuffers;

import java.io.IOException;
import java.util.Optional;

/**
 * An account's attributes, a JSON object: as read from the database, its text, parsed into a tree
 * only when someone asks for the tree. A SCIM lookup's answer copies the text as it is
 * ({@link #untouchedText}) and never parses it: parsing, building the answer's tree and writing
 * it again was about 6 % of a lookup's JVM CPU (issue 16).
 *
 * <p>The tree, once handed out, is the caller's to change (as it always was): from then on the
 * text no longer says what the attributes are, and {@link #untouchedText} is empty.
 */
public final class StoredAttributes {
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());

    /** jsonb's output text, or null when made from a tree. */
    private final String text;
    private volatile ObjectNode tree;
    private volatile boolean handedOut;

    private StoredAttributes(String text, ObjectNode tree) {
        this.text = text;
        this.tree = tree;
    }

    public static StoredAttributes of(ObjectNode tree) {
        return new StoredAttributes(null, tree);
    }

    /** The text of a jsonb object, as PostgreSQL writes it (always valid JSON). */
    public static StoredAttributes fromDatabase(String text) {
        return new StoredAttributes(text, null);
    }

    /** The attributes as a tree, parsed now if they were not yet. */
    public ObjectNode tree() {
        ObjectNode t = parsed();
        handedOut = true;
        return t;
    }

    private ObjectNode parsed() {
        ObjectNode t = tree;
        if (t == null) {
            try {
                t = (ObjectNode) JSON.readTree(text);
            } catch (JsonProcessingException | ClassCastException e) {
                throw new IllegalStateException("managed_accounts.attributes is not a JSON object", e);
            }
            tree = t;  // two threads may both parse: equal trees either way
        }
        return t;
    }

    /** The text as stored, while no tree has been handed out (which its holder may have changed). */
    public Optional<String> untouchedText() {
        return text == null || handedOut ? Optional.empty() : Optional.of(text);
    }

    /** Whether the object has {@code key} at its top level, without building the tree when there is none yet. */
    public boolean has(String key) {
        ObjectNode t = tree;
        if (t != null) return t.has(key);
        if (!text.contains(key)) return false;  // not anywhere in the text: not a key either
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            p.nextToken();  // the object's start
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals(key)) return true;
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("managed_accounts.attributes is not a JSON object", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredAttributes other && parsed().equals(other.parsed());
    }

    @Override
    public int hashCode() {
        return parsed().hashCode();
    }

    @Override
    public String toString() {
        ObjectNode t = tree;
        return t == null ? text : JsonBuffers.text(t);
    }
}
