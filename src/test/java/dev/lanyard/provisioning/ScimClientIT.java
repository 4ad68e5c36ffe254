package dev.lanyard.provisioning;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.messages.SortOrder;
import com.unboundid.scim2.common.exceptions.PreconditionFailedException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.UnauthorizedException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import dev.lanyard.testing.TestApp;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.glassfish.jersey.client.ClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real third-party SCIM client, UnboundID's {@link ScimService} (scim2-sdk-client on Jersey),
 * against the running server: if this client can create, read, search, replace, patch and delete
 * a User and read the discovery documents, the wire format is RFC 7643/7644 and not merely
 * "what our own tests send".
 */
final class ScimClientIT {
    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static TestApp app;
    private static TestApp.Org org;
    private static Client client;
    private static ScimService scim;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        org = app.newOrg("scim-client");
        client = client(org.token());
        scim = new ScimService(client.target(org.scimUrl()));
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (app != null) app.close();
    }

    /**
     * A Jersey client that sends the organization's token, on {@link JdkHttpConnector}: Jersey's
     * default connector cannot PATCH on JDK 17+ without JVM flags (see there).
     */
    private static Client client(String token) {
        return ClientBuilder.newBuilder()
                .withConfig(new ClientConfig().connectorProvider(JdkHttpConnector.provider()))
                .register((ClientRequestFilter) request ->
                        request.getHeaders().putSingle("Authorization", "Bearer " + token))
                .build();
    }

    @Test
    void a_user_created_by_the_client_comes_back_with_every_attribute_it_sent() throws Exception {
        String userName = uniqueUserName("ann");
        UserResource created = scim.create("Users", newUser(userName));

        assertThat(created.getId()).isNotBlank();
        assertThat(UUID.fromString(created.getId())).isNotNull();
        assertThat(created.getUserName()).isEqualTo(userName);
        assertThat(created.getActive()).isTrue();
        assertThat(created.getName().getGivenName()).isEqualTo("Ann");
        assertThat(created.getName().getFamilyName()).isEqualTo("Example");
        assertThat(created.getEmails()).singleElement().satisfies(e -> {
            assertThat(e.getValue()).isEqualTo("ann.private@example.net");
            assertThat(e.getType()).isEqualTo("work");
            assertThat(e.getPrimary()).isTrue();
        });
        assertThat(created.getSchemaUrns()).contains(USER, ENTERPRISE);
        EnterpriseUserExtension enterprise = created.getExtension(EnterpriseUserExtension.class);
        assertThat(enterprise).isNotNull();
        assertThat(enterprise.getEmployeeNumber()).isEqualTo("E-1001");
        assertThat(enterprise.getDepartment()).isEqualTo("Finance");
        assertThat(created.getMeta().getResourceType()).isEqualTo("User");
        assertThat(created.getMeta().getLocation()).isEqualTo(URI.create(org.scimUrl() + "/Users/" + created.getId()));
        assertThat(created.getMeta().getVersion()).isNotBlank();
        assertThat(created.getMeta().getCreated()).isNotNull();
        assertThat(app.count("select count(*) from managed_accounts where org_id = ? and email = ? and status = 'active'",
                UUID.fromString(org.id()), userName)).isEqualTo(1);
    }

    @Test
    void a_created_user_can_be_retrieved_by_id_and_by_its_meta_location() throws Exception {
        UserResource created = scim.create("Users", newUser(uniqueUserName("bob")));

        UserResource byId = scim.retrieve("Users", created.getId(), UserResource.class);
        UserResource byLocation = scim.retrieve(created.getMeta().getLocation(), UserResource.class);

        for (UserResource read : new UserResource[] {byId, byLocation}) {
            assertThat(read.getId()).isEqualTo(created.getId());
            assertThat(read.getUserName()).isEqualTo(created.getUserName());
            assertThat(read.getName().getFormatted()).isEqualTo("Ann Example");
            assertThat(read.getExtension(EnterpriseUserExtension.class).getEmployeeNumber()).isEqualTo("E-1001");
            assertThat(read.getMeta().getVersion()).isEqualTo(created.getMeta().getVersion());
        }
    }

    @Test
    void a_userName_eq_filter_returns_a_list_response_with_exactly_that_user() throws Exception {
        String userName = uniqueUserName("carol");
        UserResource created = scim.create("Users", newUser(userName));
        scim.create("Users", newUser(uniqueUserName("carol-other")));

        ListResponse<UserResource> found = scim.searchRequest("Users")
                .filter("userName eq \"" + userName + "\"")
                .invoke(UserResource.class);

        assertThat(found.getTotalResults()).isEqualTo(1);
        assertThat(found.getStartIndex()).isEqualTo(1);
        assertThat(found.getItemsPerPage()).isEqualTo(1);
        assertThat(found.getResources()).singleElement().satisfies(u -> {
            assertThat(u.getId()).isEqualTo(created.getId());
            assertThat(u.getUserName()).isEqualTo(userName);
        });
    }

    /**
     * RFC 7644 §3.4.3: a search at the root covers every resource type. The client's own
     * {@code invokePost} sends the SearchRequest to {@code <base>/.search}.
     */
    @Test
    void a_root_search_returns_users_and_groups_sorted_paged_and_narrowed_by_schemas() throws Exception {
        String tag = "Root" + SEQ.incrementAndGet();
        UserResource user = newUser(uniqueUserName("root"));
        user.setDisplayName(tag + " b user");
        UserResource created = scim.create("Users", user);
        GroupResource a = scim.create("Groups", new GroupResource().setDisplayName(tag + " a group"));
        GroupResource c = scim.create("Groups", new GroupResource().setDisplayName(tag + " c group"));
        String filter = "displayName sw \"" + tag + "\"";

        ListResponse<GenericScimResource> all = scim.searchRequest("")
                .filter(filter).sort("displayName", SortOrder.ASCENDING).invokePost(GenericScimResource.class);
        assertThat(all.getTotalResults()).isEqualTo(3);
        assertThat(all.getResources()).extracting(GenericScimResource::getId)
                .containsExactly(a.getId(), created.getId(), c.getId());
        assertThat(all.getResources().get(1).getObjectNode().at("/meta/resourceType").asText()).isEqualTo("User");
        assertThat(all.getResources().get(0).getObjectNode().at("/meta/resourceType").asText()).isEqualTo("Group");

        ListResponse<GenericScimResource> second = scim.searchRequest("")
                .filter(filter).sort("displayName", SortOrder.DESCENDING).page(2, 1).invokePost(GenericScimResource.class);
        assertThat(second.getTotalResults()).isEqualTo(3);
        assertThat(second.getResources()).extracting(GenericScimResource::getId).containsExactly(created.getId());

        ListResponse<GenericScimResource> groupsOnly = scim.searchRequest("")
                .filter(filter + " and schemas eq \"urn:ietf:params:scim:schemas:core:2.0:Group\"")
                .invokePost(GenericScimResource.class);
        assertThat(groupsOnly.getResources()).extracting(GenericScimResource::getId).containsExactly(a.getId(), c.getId());

        // Unsorted: every matching User first, then the Groups; a filter only Users can match finds only them.
        ListResponse<GenericScimResource> unsorted = scim.searchRequest("")
                .filter(filter).page(1, 2).invokePost(GenericScimResource.class);
        assertThat(unsorted.getResources()).extracting(GenericScimResource::getId).containsExactly(created.getId(), a.getId());
        ListResponse<GenericScimResource> byUserName = scim.searchRequest("")
                .filter("userName eq \"" + created.getUserName() + "\"").invokePost(GenericScimResource.class);
        assertThat(byUserName.getResources()).extracting(GenericScimResource::getId).containsExactly(created.getId());
    }

    @Test
    void a_userName_eq_filter_matches_in_any_letter_case() throws Exception {
        String userName = uniqueUserName("dora");
        UserResource created = scim.create("Users", newUser(userName));

        ListResponse<UserResource> found = scim.search("Users",
                "userName eq \"" + userName.toUpperCase(java.util.Locale.ROOT) + "\"", UserResource.class);

        assertThat(found.getResources()).extracting(UserResource::getId).containsExactly(created.getId());
    }

    @Test
    void a_filter_that_matches_nobody_is_an_empty_list_response_not_an_error() throws Exception {
        ListResponse<UserResource> found = scim.search("Users",
                "userName eq \"nobody-" + UUID.randomUUID() + "@example.com\"", UserResource.class);

        assertThat(found.getTotalResults()).isZero();
        assertThat(found.getResources()).isEmpty();
    }

    @Test
    void replace_puts_the_whole_user_and_returns_it_with_a_new_version() throws Exception {
        UserResource created = scim.create("Users", newUser(uniqueUserName("erin")));
        UserResource changed = scim.retrieve("Users", created.getId(), UserResource.class);
        changed.setDisplayName("Erin the Second");
        changed.setName(new Name().setGivenName("Erin").setFamilyName("Second").setFormatted("Erin Second"));
        changed.setTitle("Controller");
        changed.setExtension(new EnterpriseUserExtension().setEmployeeNumber("E-2002").setDepartment("Audit"));

        // replaceRequest(...).ifMatch() sends the version the client holds as If-Match.
        UserResource replaced = scim.replaceRequest(changed).ifMatch().invoke();

        assertThat(replaced.getId()).isEqualTo(created.getId());
        assertThat(replaced.getUserName()).isEqualTo(created.getUserName());
        assertThat(replaced.getDisplayName()).isEqualTo("Erin the Second");
        assertThat(replaced.getTitle()).isEqualTo("Controller");
        assertThat(replaced.getName().getFamilyName()).isEqualTo("Second");
        assertThat(replaced.getExtension(EnterpriseUserExtension.class).getEmployeeNumber()).isEqualTo("E-2002");
        assertThat(replaced.getExtension(EnterpriseUserExtension.class).getDepartment()).isEqualTo("Audit");
        assertThat(replaced.getMeta().getVersion()).isNotEqualTo(created.getMeta().getVersion());

        UserResource reread = scim.retrieve("Users", created.getId(), UserResource.class);
        assertThat(reread.getDisplayName()).isEqualTo("Erin the Second");
        assertThat(reread.getMeta().getVersion()).isEqualTo(replaced.getMeta().getVersion());
    }

    @Test
    void replace_with_a_stale_version_is_refused_as_a_precondition_failure() throws Exception {
        UserResource created = scim.create("Users", newUser(uniqueUserName("finn")));
        scim.modifyRequest("Users", created.getId()).replaceValue("displayName", "changed meanwhile")
                .invoke(UserResource.class);

        created.setDisplayName("lost update");
        assertThatThrownBy(() -> scim.replaceRequest(created).ifMatch().invoke())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(scim.retrieve("Users", created.getId(), UserResource.class).getDisplayName())
                .isEqualTo("changed meanwhile");
    }

    @Test
    void patch_replace_of_displayName_changes_only_displayName() throws Exception {
        UserResource created = scim.create("Users", newUser(uniqueUserName("gina")));

        UserResource patched = scim.modifyRequest("Users", created.getId())
                .replaceValue("displayName", "Gina G.")
                .invoke(UserResource.class);

        assertThat(patched.getDisplayName()).isEqualTo("Gina G.");
        assertThat(patched.getUserName()).isEqualTo(created.getUserName());
        assertThat(patched.getActive()).isTrue();
        assertThat(patched.getName().getGivenName()).isEqualTo("Ann");
        assertThat(patched.getExtension(EnterpriseUserExtension.class).getEmployeeNumber()).isEqualTo("E-1001");
        assertThat(scim.retrieve("Users", created.getId(), UserResource.class).getDisplayName()).isEqualTo("Gina G.");
    }

    @Test
    void patch_replace_of_active_false_deactivates_the_account() throws Exception {
        String userName = uniqueUserName("hugo");
        UserResource created = scim.create("Users", newUser(userName));

        UserResource patched = scim.modifyRequest("Users", created.getId())
                .replaceValue("active", false)
                .invoke(UserResource.class);

        assertThat(patched.getActive()).isFalse();
        assertThat(scim.retrieve("Users", created.getId(), UserResource.class).getActive()).isFalse();
        assertThat(app.count("select count(*) from managed_accounts where org_id = ? and email = ? and status = 'deactivated'",
                UUID.fromString(org.id()), userName)).isEqualTo(1);

        UserResource reactivated = scim.modifyRequest("Users", created.getId())
                .replaceValue("active", true)
                .invoke(UserResource.class);
        assertThat(reactivated.getActive()).isTrue();
    }

    @Test
    void delete_makes_the_user_unretrievable_and_disables_the_account() throws Exception {
        String userName = uniqueUserName("iris");
        UserResource created = scim.create("Users", newUser(userName));

        scim.delete("Users", created.getId());

        assertThatThrownBy(() -> scim.retrieve("Users", created.getId(), UserResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(scim.search("Users", "userName eq \"" + userName + "\"", UserResource.class).getTotalResults()).isZero();
        // docs/product-rules.md rule 9: the account stays, disabled and unlinked, until an admin deletes it.
        assertThat(app.count("select count(*) from managed_accounts where org_id = ? and email = ? "
                + "and status = 'disabled' and scim_id is null", UUID.fromString(org.id()), userName)).isEqualTo(1);
    }

    @Test
    void the_whole_lifecycle_runs_through_one_client_in_order() throws Exception {
        String userName = uniqueUserName("jo");
        UserResource created = scim.create("Users", newUser(userName));
        String id = created.getId();

        assertThat(scim.retrieve("Users", id, UserResource.class).getUserName()).isEqualTo(userName);
        assertThat(scim.search("Users", "userName eq \"" + userName + "\"", UserResource.class).getResources())
                .extracting(UserResource::getId).containsExactly(id);

        created.setDisplayName("Jo Replaced");
        assertThat(scim.replace(created).getDisplayName()).isEqualTo("Jo Replaced");

        assertThat(scim.modifyRequest("Users", id).replaceValue("displayName", "Jo Patched")
                .invoke(UserResource.class).getDisplayName()).isEqualTo("Jo Patched");
        assertThat(scim.modifyRequest("Users", id).replaceValue("active", false)
                .invoke(UserResource.class).getActive()).isFalse();

        scim.delete("Users", id);
        assertThatThrownBy(() -> scim.retrieve("Users", id, UserResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void an_unknown_id_is_a_ResourceNotFoundException_for_every_verb() {
        String unknown = UUID.randomUUID().toString();

        assertThatThrownBy(() -> scim.retrieve("Users", unknown, UserResource.class))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> scim.modifyRequest("Users", unknown).replaceValue("displayName", "x")
                .invoke(UserResource.class)).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> scim.delete("Users", unknown)).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void a_wrong_token_reaches_the_client_as_an_UnauthorizedException() {
        Client wrong = client("not-a-token-" + UUID.randomUUID());
        try {
            ScimService refused = new ScimService(wrong.target(org.scimUrl()));
            assertThatThrownBy(refused::getServiceProviderConfig).isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> refused.search("Users", null, UserResource.class))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
    }

    @Test
    void service_provider_config_parses_and_says_what_the_server_does() throws Exception {
        // The client's own typed call: UnboundID scim2-sdk 4.1.0 refuses a document with RFC 9865's
        // "pagination" member ("Core attribute pagination is undefined"), which is why Lanyard does
        // not announce cursor paging there (README, "Sorting and paging").
        ServiceProviderConfigResource config = scim.getServiceProviderConfig();

        assertThat(config.getPatch().isSupported()).isTrue();
        assertThat(config.getFilter().isSupported()).isTrue();
        assertThat(config.getFilter().getMaxResults()).isEqualTo(Paging.MAX_COUNT);
        assertThat(config.getEtag().isSupported()).isTrue();
        assertThat(config.getBulk().isSupported()).isTrue();
        assertThat(config.getSort().isSupported()).isTrue();
        assertThat(config.getChangePassword().isSupported()).isFalse();
        assertThat(config.getAuthenticationSchemes()).singleElement().satisfies(scheme -> {
            assertThat(scheme.getType()).isEqualTo("oauthbearertoken");
            assertThat(scheme.isPrimary()).isTrue();
        });
        assertThat(config.getMeta().getResourceType()).isEqualTo("ServiceProviderConfig");
    }

    @Test
    void cursor_paging_works_though_service_provider_config_does_not_announce_it() throws Exception {
        for (int i = 0; i < 3; i++) scim.create("Users", newUser(uniqueUserName("cursor")));
        var raw = scim.retrieve(URI.create(org.scimUrl() + "/ServiceProviderConfig"),
                com.unboundid.scim2.common.GenericScimResource.class);

        // The 4.1.0 ListResponse has no nextCursor, so the page is read as plain JSON.
        String page = client.target(org.scimUrl() + "/Users").queryParam("cursor", "").queryParam("count", 2)
                .request().get(String.class);
        var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(page);

        assertThat(raw.getObjectNode().has("pagination")).isFalse();
        assertThat(first.get("Resources")).hasSize(2);
        assertThat(first.get("nextCursor").asText()).isNotBlank();
    }

    @Test
    void resource_types_parse_and_offer_User_with_the_enterprise_extension_and_Group() throws Exception {
        ListResponse<ResourceTypeResource> types = scim.getResourceTypes();

        assertThat(types.getTotalResults()).isEqualTo(2);
        assertThat(types.getResources()).extracting(ResourceTypeResource::getId).containsExactly("User", "Group");
        assertThat(scim.getResourceType("Group").getEndpoint()).isEqualTo(URI.create("/Groups"));
        ResourceTypeResource user = types.getResources().getFirst();
        assertThat(user.getId()).isEqualTo("User");
        assertThat(user.getName()).isEqualTo("User");
        assertThat(user.getEndpoint()).isEqualTo(URI.create("/Users"));
        assertThat(user.getSchema()).isEqualTo(URI.create(USER));
        assertThat(user.getSchemaExtensions()).singleElement().satisfies(ext -> {
            assertThat(ext.getSchema()).isEqualTo(URI.create(ENTERPRISE));
            assertThat(ext.isRequired()).isFalse();
        });

        ResourceTypeResource single = scim.getResourceType("User");
        assertThat(single.getEndpoint()).isEqualTo(URI.create("/Users"));
    }

    @Test
    void schemas_parse_and_describe_the_core_user_the_enterprise_extension_and_the_group() throws Exception {
        ListResponse<SchemaResource> schemas = scim.getSchemas();

        assertThat(schemas.getTotalResults()).isEqualTo(3);
        assertThat(schemas.getResources()).extracting(SchemaResource::getId)
                .containsExactlyInAnyOrder(USER, ENTERPRISE, "urn:ietf:params:scim:schemas:core:2.0:Group");

        SchemaResource user = scim.getSchema(USER);
        assertThat(user.getName()).isEqualTo("User");
        AttributeDefinition userName = user.getAttributes().stream()
                .filter(a -> a.getName().equals("userName")).findFirst().orElseThrow();
        assertThat(userName.getType()).isEqualTo(AttributeDefinition.Type.STRING);
        assertThat(userName.isRequired()).isTrue();
        assertThat(userName.getUniqueness()).isEqualTo(AttributeDefinition.Uniqueness.SERVER);
        // id, externalId and meta are common attributes (RFC 7643 §3.1), not part of the User schema.
        assertThat(user.getAttributes()).extracting(AttributeDefinition::getName)
                .contains("name", "displayName", "emails", "active")
                .doesNotContain("id", "externalId", "meta");

        SchemaResource enterprise = scim.getSchema(ENTERPRISE);
        assertThat(enterprise.getAttributes()).extracting(AttributeDefinition::getName)
                .contains("employeeNumber", "department", "manager");
    }

    private static UserResource newUser(String userName) {
        UserResource user = new UserResource().setUserName(userName);
        user.setName(new Name().setGivenName("Ann").setFamilyName("Example").setFormatted("Ann Example"));
        user.setDisplayName("Ann Example");
        user.setActive(true);
        // The IdP's email attribute is SCIM data; the sign-in email is userName (docs/product-rules.md rule 6).
        user.setEmails(new Email().setValue("ann.private@example.net").setType("work").setPrimary(true));
        user.setExternalId("ext-" + userName);
        user.setExtension(new EnterpriseUserExtension().setEmployeeNumber("E-1001").setDepartment("Finance"));
        return user;
    }

    private static String uniqueUserName(String who) {
        return who + "-" + SEQ.incrementAndGet() + "@scim-client.example.com";
    }
}
