package dev.lanyard.console;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's counts at a size where counting everything would cost: beyond 10,000 they say
 * "more than 10,000", and the lists and Home stay quick. A class of its own, so the 12,000 rows
 * do not change the planner's statistics under other tests' plan checks.
 */
class AccountCountsAtScaleIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void counts_beyond_ten_thousand_say_more_than_and_cost_no_more_than_the_cap() {
        TestApp.Org org = app.newOrg("accounts-many");
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@many.example");
        // 12,000 accounts straight into the table (SCIM would take minutes): 11,990 active, 10 deactivated.
        app.execute("insert into managed_accounts (id, org_id, email, status, scim_id, attributes, scim_created_at) "
                + "select gen_random_uuid(), ?::uuid, 'u' || lpad(i::text, 5, '0') || '@many.example', "
                + "case when i <= 10 then 'deactivated' else 'active' end, gen_random_uuid(), '{}'::jsonb, now() "
                + "from generate_series(1, 12000) i", org.id());

        long started = System.nanoTime();
        String all = browser.get("/console/accounts").expect(200).body();
        long listMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(all).contains("More than 10,000 accounts", "1–50 of more than 10,000");
        String some = browser.get("/console/accounts?q=u0000").expect(200).body();
        assertThat(some).contains("9 accounts match", "1–9 of 9");
        String deactivated = browser.get("/console/accounts?status=deactivated").expect(200).body();
        assertThat(deactivated).contains("10 accounts match", "1–10 of 10");
        started = System.nanoTime();
        String home = browser.get("/console").expect(200).body();
        long homeMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(home).contains("Active: more than 10,000", "Deactivated: 10", "Invalidated: 0");
        System.out.println("accounts list with 12,000 accounts: " + listMillis + " ms; Home: " + homeMillis + " ms");
    }

}
