package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.scim.UserDocument;

/**
 * A managed account as the SCIM User the IdP sees (RFC 7643 §4.1): its SCIM id, the stored
 * attributes, {@code active} from the account's status, and {@code meta} (§3.1).
 */
final class UserRepresentation {
    private UserRepresentation() {}

    static ObjectNode render(ManagedAccount account, String usersUrl) {
        String id = account.scimId().orElseThrow().toString();
        ObjectNode out = UserDocument.toScim(id, account.email(), account.active(), account.attributes());
        ObjectNode meta = out.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", account.scimCreatedAt().toString());
        meta.put("lastModified", account.updatedAt().toString());
        meta.put("location", usersUrl + "/" + id);
        meta.put("version", etag(account));
        return out;
    }

    /** A weak ETag: equal versions mean semantically equal resources (RFC 7644 §3.14). */
    static String etag(ManagedAccount account) {
        return "W/\"" + account.version() + "\"";
    }
}
