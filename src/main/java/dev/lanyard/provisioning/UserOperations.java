package dev.lanyard.provisioning;

import dev.lanyard.domain.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchRequest;
import dev.lanyard.account.AccountProfile;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.account.Precondition;
import dev.lanyard.domain.Workers;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.scim.UserDocument;
import dev.lanyard.scim.UserPatch;
import dev.lanyard.token.ProvisioningToken;

import java.util.Optional;
import java.util.UUID;

/**
 * The changes to Users (RFC 7644 §3.3, §3.5.1, §3.5.2, §3.6) without HTTP: the single-resource
 * routes and each operation of a bulk request (§3.7) run exactly this, so both validate the same
 * way, apply the same product rules in one transaction per change, and fail with the same
 * exceptions (ScimException, DomainException), which the caller turns into SCIM Errors.
 */
final class UserOperations {
    /**
     * What a change produced.
     *
     * @param id       the User's SCIM id
     * @param body     the User as it now is (absent after a DELETE)
     * @param etag     W/"N" of that User
     * @param location the User's URL, {@code .../Users/{id}}
     * @param beside   what the caller asked to read beside the account ({@link UserGroups#beside}), when not null
     */
    record Result(int status, UUID id, Optional<ObjectNode> body, Optional<String> etag, String location,
                  Optional<ManagedAccount> account, Optional<String> beside) {
        /** A result about no account (a Group, a Bulk answer). */
        Result(int status, UUID id, Optional<ObjectNode> body, Optional<String> etag, String location) {
            this(status, id, body, etag, location, Optional.empty(), Optional.empty());
        }
    }

    private final AccountService accounts;
    private final Workers patchWorkers;

    UserOperations(AccountService accounts, Workers patchWorkers) {
        this.accounts = accounts;
        this.patchWorkers = patchWorkers;
    }

    /** POST /Users: 201 with the new (or re-attached) User. */
    Result create(ProvisioningToken.Holder caller, JsonNode body, String usersUrl) throws ScimException {
        UserDocument doc = UserDocument.parse(body);
        return rendered(201, accounts.provision(caller.orgId(), profile(doc), actor(caller)), usersUrl);
    }

    /** PUT /Users/{id}: the body replaces the User. */
    Result replace(ProvisioningToken.Holder caller, UUID scimId, Precondition condition, JsonNode body, String usersUrl)
            throws ScimException {
        return replace(caller, scimId, condition, body, usersUrl, Optional.empty());
    }

    /**
     * The same, with {@code beside} (the User's groups, {@link UserGroups#beside}) read in the
     * change's first read of the account: a User's change never changes its groups, and the
     * answer then needs no query of its own (issue 16).
     */
    Result replace(ProvisioningToken.Holder caller, UUID scimId, Precondition condition, JsonNode body, String usersUrl,
                   Optional<String> beside) throws ScimException {
        // id, meta and groups in the body are readOnly and "SHALL be ignored" (RFC 7644 §3.5.1), even
        // when they differ from the stored ones: the URL names the User.
        UserDocument doc = UserDocument.parse(body);
        AccountService.Found updated = accounts.update(caller.orgId(), scimId, condition, current -> profile(doc), actor(caller), beside);
        return rendered(200, updated, usersUrl);
    }

    /** PATCH /Users/{id}: the PatchOp applied to the stored User, validated like a PUT. */
    Result patch(ProvisioningToken.Holder caller, UUID scimId, Precondition condition, JsonNode body, String usersUrl)
            throws ScimException {
        return patch(caller, scimId, condition, body, usersUrl, Optional.empty());
    }

    /** The same, with {@code beside} read as {@link #replace(ProvisioningToken.Holder, UUID, Precondition, JsonNode, String, Optional)} reads it. */
    Result patch(ProvisioningToken.Holder caller, UUID scimId, Precondition condition, JsonNode body, String usersUrl,
                 Optional<String> beside) throws ScimException {
        PatchRequest patch = UserPatch.parse(body);
        AccountService.ProfileChange<ScimException> change = current -> {
            ObjectNode base = UserDocument.toScim(current.email(), current.active(), current.attributes());
            ObjectNode patched = UserPatch.apply(base, patch, scimId.toString());
            return profile(UserDocument.parse(patched));
        };
        // A small PATCH (the IdPs' deactivations and profile syncs) is applied right here, as a PUT's
        // body is parsed here: handing it to a worker and back cost more than applying it (with every
        // PATCH here, 1.09 times the PATCHes per second at 0.92 of the CPU, bench/README.md, twentieth
        // round). A bigger one goes to the workers, so it never holds a carrier thread (domain.Workers).
        AccountService.Found updated = accounts.update(caller.orgId(), scimId, condition,
                current -> UserPatch.small(patch, current.attributes()) ? change.apply(current) : patchWorkers.run(() -> change.apply(current)),
                actor(caller), beside);
        return rendered(200, updated, usersUrl);
    }

    /** DELETE /Users/{id}: 204; the account is disabled and unlinked (AccountService#deprovision). */
    Result delete(ProvisioningToken.Holder caller, UUID scimId, Precondition condition, String usersUrl) {
        ManagedAccount disabled = accounts.deprovision(caller.orgId(), scimId, condition, actor(caller));
        return new Result(204, scimId, Optional.empty(), Optional.empty(), usersUrl + "/" + scimId, Optional.of(disabled), Optional.empty());
    }

    /** A path id that is not a UUID cannot be one of ours: 404, like any unknown id. */
    static UUID scimId(String id) throws ResourceNotFoundException {
        return OrganizationService.parseUuid(id).orElseThrow(() -> notFound(id));
    }

    static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("no user with id " + id + " in this organization");
    }

    private static Result rendered(int status, ManagedAccount account, String usersUrl) {
        return rendered(status, new AccountService.Found(account, Optional.empty()), usersUrl);
    }

    private static Result rendered(int status, AccountService.Found found, String usersUrl) {
        ManagedAccount account = found.account();
        ObjectNode body = UserRepresentation.render(account, usersUrl);
        return new Result(status, account.scimId().orElseThrow(), Optional.of(body), Optional.of(UserRepresentation.etag(account)),
                body.get("meta").get("location").asText(), Optional.of(account), found.beside());
    }

    private static AccountProfile profile(UserDocument doc) {
        return new AccountProfile(doc.userName(), doc.externalId(), doc.displayName(), doc.active(), doc.attributes());
    }

    /** Who made the change, for the account's history: the token, not a secret. */
    private static Actor actor(ProvisioningToken.Holder caller) {
        return new Actor.ScimToken(caller.tokenId());
    }
}
