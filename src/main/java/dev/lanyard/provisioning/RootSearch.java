package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.AccountService;
import dev.lanyard.group.Group;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /.search} at the organization's SCIM root (RFC 7644 §3.4.3): "resources of all
 * types", so Users and then Groups in one ListResponse.
 *
 * <ul>
 *   <li>Which types: a top-level {@code schemas eq "urn:...:Group"} (alone or and-ed with the rest of
 *       the filter) keeps the types that have that schema, as RFC 7644 §3.4.2.2 suggests for querying
 *       by schema; {@code schemas pr} keeps both. {@code schemas} anywhere else is 400.</li>
 *   <li>The rest of the filter is applied to each type. A type whose schema lacks an attribute the
 *       filter names contributes nothing (its resources have no such value, so the comparison is
 *       false, RFC 7644 §3.4.2.2); when every type lacks it, the filter is 400 invalidFilter.</li>
 *   <li>Without {@code sortBy}: all matching Users (in /Users order), then all matching Groups; a page
 *       is read from each endpoint as far as it reaches, so any startIndex costs what it does there.</li>
 *   <li>With {@code sortBy} an attribute both types sort by (id, externalId, displayName,
 *       meta.created, meta.lastModified): each type's first {@code startIndex + count - 1} results
 *       are merged in memory, so such a page reaches at most {@value #SORTED_WINDOW} results deep
 *       (400 beyond). With an attribute only one type has ({@code userName}): that type sorted, and
 *       the other's resources, which have no value, after it (before it when descending), as
 *       RFC 7644 §3.4.2.3 sorts a missing value; no bound is needed then.</li>
 *   <li>Cursor paging (RFC 9865) is per endpoint: {@code cursor} here is 400.</li>
 * </ul>
 * totalResults is the sum of each type's count, each read in its own snapshot.
 */
final class RootSearch {
    /** How deep a sorted root search pages: startIndex + count - 1 at most. */
    static final int SORTED_WINDOW = Paging.MAX_COUNT;

    private final AccountService accounts;
    private final UserGroups userGroups;
    private final GroupService groups;
    private final GroupRepresentation groupRepresentation;
    private final BaseUrl baseUrl;

    RootSearch(AccountService accounts, UserGroups userGroups, GroupService groups, BaseUrl baseUrl) {
        this.accounts = accounts;
        this.userGroups = userGroups;
        this.groups = groups;
        this.groupRepresentation = new GroupRepresentation(groups);
        this.baseUrl = baseUrl;
    }

    /** The types a search covers and the filter left for them once {@code schemas} is taken out. */
    record Scope(boolean users, boolean groups, Optional<Filter> filter) {}

    void searchByPost(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        ListRequest request = ListRequest.fromSearchBody(Json.readBody(ctx, ScimJson.MAPPER, true));
        if (request.cursor().isPresent()) {
            throw BadRequestException.invalidValue("cursor paging works per resource type: send the search to "
                    + "/Users/.search or /Groups/.search");
        }
        Scope scope = scope(request.filter().isEmpty() ? Optional.empty() : Optional.of(ScimFilters.parse(request.filter().get())));
        Paging paging = Paging.of(request.startIndex().orElse(null), request.count().orElse(null));
        Optional<String> sortBy = request.sortBy().map(String::strip);
        String root = baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId");
        Found found;
        if (sortBy.isEmpty()) {
            found = concatenated(caller, scope, paging, Optional.empty(), false, root + "/Users");
        } else {
            boolean users = usersCanSortBy(sortBy.get());
            boolean groups = GroupService.canSortBy(sortBy.get());
            if (users && groups) {
                if (paging.offset() + paging.count() > SORTED_WINDOW) {
                    throw BadRequestException.invalidValue("a search at the SCIM root sorted by an attribute of both Users "
                            + "and Groups reaches the first " + SORTED_WINDOW + " results (startIndex + count - 1); search "
                            + "/Users/.search or /Groups/.search to page deeper");
                }
                found = merged(caller, scope, paging, sortBy.get(), request.descending(), root + "/Users", root + "/Groups");
            } else if (users || groups) {
                // Only one type has the attribute: the other's resources have no value, so they sort
                // last when ascending and first when descending (as a missing value does at /Users).
                boolean usersFirst = users != request.descending();
                found = concatenated(caller, scope, paging, sortBy, request.descending(), usersFirst, root + "/Users");
            } else {
                throw BadRequestException.invalidValue("cannot sort by \"" + sortBy.get() + "\": at the SCIM root, sortBy takes "
                        + "an attribute of Users or Groups, such as displayName, userName or meta.lastModified");
            }
        }
        List<ObjectNode> users = new ArrayList<>();
        for (Object r : found.page()) if (r instanceof ObjectNode n) users.add(n);
        userGroups.attach(caller.orgId(), users, request.projection(), root + "/Groups");
        List<Object> out = found.page().stream().map(r -> r instanceof ObjectNode n ? request.projection().apply(n) : r).toList();
        ObjectNode envelope = ScimResponses.listResponse(found.total(), paging.startIndex(), List.of());
        envelope.put("itemsPerPage", out.size());
        groupRepresentation.writeResources(ctx, envelope, out, request.projection(), root + "/Groups", root + "/Users");
    }

    /** A page of rendered Users ({@link ObjectNode}) and Groups ({@link Group}, streamed with members when written). */
    private record Found(long total, List<Object> page) {}

    private Found concatenated(ProvisioningToken.Holder caller, Scope scope, Paging paging, Optional<String> sortBy,
                               boolean descending, String usersUrl) throws BadRequestException {
        return concatenated(caller, scope, paging, sortBy, descending, true, usersUrl);
    }

    /**
     * One type's resources, then the other's (the type that cannot be sorted by {@code sortBy} in
     * its own default order); each endpoint is read only where the page overlaps it, so a deep page
     * costs what it does there.
     */
    private Found concatenated(ProvisioningToken.Holder caller, Scope scope, Paging paging, Optional<String> sortBy,
                               boolean descending, boolean usersFirst, String usersUrl) throws BadRequestException {
        List<Object> page = new ArrayList<>();
        long total = 0;
        boolean answered = false;
        for (boolean usersNow : usersFirst ? List.of(true, false) : List.of(false, true)) {
            var window = new AccountQuery.Index((int) Math.min(Integer.MAX_VALUE, Math.max(0, paging.offset() - total)),
                    paging.count() - page.size());
            if (usersNow) {
                Optional<String> sort = sortBy.filter(RootSearch::usersCanSortBy);
                Optional<AccountService.SearchPage> u = users(caller, scope, sort, sort.isPresent() && descending, window);
                if (u.isEmpty()) continue;
                answered = true;
                total += u.get().totalResults();
                u.get().accounts().forEach(a -> page.add(UserRepresentation.render(a, usersUrl)));
            } else {
                Optional<String> sort = sortBy.filter(GroupService::canSortBy);
                Optional<GroupService.SearchPage> g = groups(caller, scope, sort, sort.isPresent() && descending, window);
                if (g.isEmpty()) continue;
                answered = true;
                total += g.get().totalResults();
                page.addAll(g.get().groups());
            }
        }
        if (!answered && (scope.users() || scope.groups())) throw noType(scope);
        return new Found(total, page);
    }

    private static boolean usersCanSortBy(String path) {
        try {
            AccountService.criteria(Optional.empty(), Optional.of(path), false);
            return true;
        } catch (BadRequestException e) {
            return false;
        }
    }

    /** Both types sorted by the same attribute, merged in memory over a bounded window. */
    private Found merged(ProvisioningToken.Holder caller, Scope scope, Paging paging, String sortBy, boolean descending,
                         String usersUrl, String groupsUrl) throws BadRequestException {
        var window = new AccountQuery.Index(0, paging.offset() + paging.count());
        Optional<AccountService.SearchPage> u = users(caller, scope, Optional.of(sortBy), descending, window);
        Optional<GroupService.SearchPage> g = groups(caller, scope, Optional.of(sortBy), descending, window);
        if (u.isEmpty() && g.isEmpty() && (scope.users() || scope.groups())) throw noType(scope);
        List<ObjectNode> userNodes = u.map(p -> p.accounts().stream().map(a -> UserRepresentation.render(a, usersUrl)).toList())
                .orElse(List.of());
        List<Group> groupList = g.map(GroupService.SearchPage::groups).orElse(List.of());
        Comparator<JsonNode> order = order(sortBy, descending);
        List<Object> all = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < userNodes.size() || j < groupList.size()) {
            boolean takeUser = j >= groupList.size() || i < userNodes.size()
                    && order.compare(userNodes.get(i), GroupRepresentation.render(groupList.get(j), groupsUrl)) <= 0;
            all.add(takeUser ? userNodes.get(i++) : groupList.get(j++));
        }
        long total = u.map(AccountService.SearchPage::totalResults).orElse(0L) + g.map(GroupService.SearchPage::totalResults).orElse(0L);
        int from = Math.min(all.size(), paging.offset());
        return new Found(total, List.copyOf(all.subList(from, Math.min(all.size(), from + paging.count()))));
    }

    /**
     * The order each endpoint sorts by, on the rendered resources: text without regard to case
     * except externalId (caseExact), ids as their text (PostgreSQL compares uuids byte by byte, as
     * their hex), times as instants; a missing value sorts last when ascending.
     */
    private static Comparator<JsonNode> order(String sortBy, boolean descending) {
        String path = sortBy.toLowerCase(Locale.ROOT);
        Function<JsonNode, Comparable<?>> key = switch (path) {
            case "meta.created" -> n -> Instant.parse(n.path("meta").path("created").asText());
            case "meta.lastmodified" -> n -> Instant.parse(n.path("meta").path("lastModified").asText());
            case "externalid" -> n -> n.hasNonNull("externalId") ? n.get("externalId").asText() : null;
            case "displayname" -> n -> n.hasNonNull("displayName") ? n.get("displayName").asText().toLowerCase(Locale.ROOT) : null;
            default -> n -> n.path("id").asText();
        };
        @SuppressWarnings("unchecked")
        Comparator<JsonNode> ascending = Comparator.comparing(n -> (Comparable<Object>) key.apply(n),
                Comparator.nullsLast(Comparator.naturalOrder()));
        return descending ? ascending.reversed() : ascending;
    }

    private Optional<AccountService.SearchPage> users(ProvisioningToken.Holder caller, Scope scope, Optional<String> sortBy,
                                                      boolean descending, AccountQuery.Window window) throws BadRequestException {
        if (!scope.users()) return Optional.empty();
        try {
            return Optional.of(accounts.searchLinked(caller.orgId(), AccountService.criteria(scope.filter(), sortBy, descending),
                    window));
        } catch (BadRequestException e) {
            if (isUnknownAttribute(e)) return Optional.empty();
            throw e;
        }
    }

    private Optional<GroupService.SearchPage> groups(ProvisioningToken.Holder caller, Scope scope, Optional<String> sortBy,
                                                     boolean descending, AccountQuery.Window window) throws BadRequestException {
        if (!scope.groups()) return Optional.empty();
        try {
            return Optional.of(groups.search(caller.orgId(), scope.filter(), sortBy, descending, window));
        } catch (BadRequestException e) {
            if (isUnknownAttribute(e)) return Optional.empty();
            throw e;
        }
    }

    /** The filter named an attribute this type does not have: the type matches nothing. */
    private static boolean isUnknownAttribute(BadRequestException e) {
        return BadRequestException.INVALID_FILTER.equals(e.getScimError().getScimType());
    }

    private static BadRequestException noType(Scope scope) {
        return BadRequestException.invalidFilter("the filter " + scope.filter().map(Filter::toString).orElse("")
                + " names an attribute neither Users nor Groups have (or compares one in a way neither allows); "
                + "search /Users/.search or /Groups/.search to see the exact reason");
    }

    /**
     * Takes {@code schemas eq "urn"} and {@code schemas pr} out of the top-level and-chain: they
     * choose the types; what is left filters each type.
     */
    static Scope scope(Optional<Filter> filter) throws BadRequestException {
        if (filter.isEmpty()) return new Scope(true, true, Optional.empty());
        List<Filter> conjuncts = filter.get().getFilterType() == FilterType.AND ? filter.get().getCombinedFilters()
                : List.of(filter.get());
        boolean users = true;
        boolean groups = true;
        List<Filter> rest = new ArrayList<>();
        for (Filter f : conjuncts) {
            if (!f.isCombiningFilter() && f.getAttributePath() != null
                    && f.getAttributePath().toString().equalsIgnoreCase("schemas")) {
                if (f.getFilterType() == FilterType.PRESENT) continue;
                if (f.getFilterType() != FilterType.EQUAL || !f.getComparisonValue().isTextual()) {
                    throw BadRequestException.invalidFilter("schemas can be compared only with eq (or pr), as in "
                            + "schemas eq \"" + ScimJson.GROUP_SCHEMA + "\"");
                }
                String urn = f.getComparisonValue().asText();
                users &= urn.equalsIgnoreCase(ScimJson.USER_SCHEMA) || urn.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA);
                groups &= urn.equalsIgnoreCase(ScimJson.GROUP_SCHEMA);
            } else {
                rest.add(f);
            }
        }
        Optional<Filter> left = rest.isEmpty() ? Optional.empty() : Optional.of(rest.size() == 1 ? rest.getFirst() : Filter.and(rest));
        return new Scope(users, groups, left);
    }
}
