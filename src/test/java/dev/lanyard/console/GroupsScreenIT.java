package dev.lanyard.console;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-only "Groups" screens over real HTTP: groups pushed through SCIM, seen in the console. */
class GroupsScreenIT {
    static final TestApp app = TestApp.start();
    private static final Pattern MEMBER = Pattern.compile("href=\"/console/accounts/[0-9a-f-]{36}\">([^<]+)</a>");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_groups_are_listed_from_the_accounts_page_and_a_group_pages_its_members_with_links_to_their_accounts() {
        TestApp.Org org = app.newOrg("groups-screen-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@groups.example");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 55; i++) ids.add(user(org, String.format("m%02d@groups.example", i)));
        String groupId = group(org, "Engineering <R&D>", ids);
        group(org, "Alpha", List.of());

        assertThat(browser.get("/console/accounts").expect(200).body()).contains("href=\"/console/groups\"");
        String list = browser.get("/console/groups").expect(200).body();
        assertThat(list).contains("Alpha", "Engineering &lt;R&amp;D&gt;", ">55<").doesNotContain("<R&D>");
        assertThat(list.indexOf("Alpha")).isLessThan(list.indexOf("Engineering"));

        String first = browser.get("/console/groups/" + groupId).expect(200).body();
        assertThat(first).contains("<dd>55</dd>", "member_added");
        List<String> shown = new ArrayList<>(emails(first));
        assertThat(shown).hasSize(50);
        Matcher next = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(first);
        assertThat(next.find()).isTrue();
        shown.addAll(emails(browser.get(next.group(1).replace("&amp;", "&")).expect(200).body()));
        assertThat(shown).hasSize(55).doesNotHaveDuplicates().allMatch(e -> e.endsWith("@groups.example"));
    }

    @Test
    void another_organizations_group_is_not_found_and_signed_out_visitors_are_sent_to_sign_in() {
        TestApp.Org mine = app.newOrg("groups-mine-" + UUID.randomUUID());
        TestApp.Org theirs = app.newOrg("groups-theirs-" + UUID.randomUUID());
        String theirGroup = group(theirs, "Secret", List.of());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, mine, "admin@mine.example");
        assertThat(browser.get("/console/groups/" + theirGroup).status()).isEqualTo(404);
        assertThat(browser.get("/console/groups/not-an-id").status()).isEqualTo(404);
        assertThat(browser.get("/console/groups").expect(200).body()).doesNotContain("Secret");
        assertThat(app.http().send("GET", "/console/groups", null, Map.of()).status()).isEqualTo(303);
    }

    private static List<String> emails(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = MEMBER.matcher(page);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static String user(TestApp.Org org, String email) {
        return app.scim(org, "test", "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"" + email + "\",\"active\":true}").expect(201).json().get("id").asText();
    }

    private static String group(TestApp.Org org, String name, List<String> members) {
        StringBuilder m = new StringBuilder();
        for (String id : members) m.append(m.isEmpty() ? "" : ",").append("{\"value\":\"").append(id).append("\"}");
        return app.scim(org, "test", "POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
                + "\"displayName\":\"" + name.replace("\"", "\\\"") + "\",\"members\":[" + m + "]}").expect(201).json().get("id").asText();
    }
}
