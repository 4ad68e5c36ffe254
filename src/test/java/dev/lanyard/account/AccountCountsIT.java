package dev.lanyard.account;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linked-account counters (org_account_counts: V105's statement triggers for inserts and deletes,
 * V110's row trigger for the updates that link, unlink or move an account) always agree with
 * the rows, whatever writes the table: a seeded random mix of single and multi-row inserts,
 * updates that link, unlink, move or only change a profile, and deletes, in two organizations,
 * checked after every step. The counters answer SCIM's unfiltered totalResults (AccountStore.countLinked).
 */
class AccountCountsIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_counters_agree_with_the_rows_after_any_mix_of_writes() {
        UUID a = UUID.fromString(app.newOrg("counts-a").id());
        UUID b = UUID.fromString(app.newOrg("counts-b").id());
        Random random = new Random(110);
        for (int step = 0; step < 300; step++) {
            UUID org = random.nextBoolean() ? a : b;
            UUID other = org.equals(a) ? b : a;
            switch (random.nextInt(8)) {
                case 0 -> app.execute("""
                        insert into managed_accounts (id, org_id, email, status, scim_id, attributes)
                        values (gen_random_uuid(), ?, 'u' || gen_random_uuid() || '@x.test', 'active', ?, '{}')""",
                        org, random.nextInt(3) == 0 ? null : UUID.randomUUID());
                case 1 -> app.execute("""
                        insert into managed_accounts (id, org_id, email, status, scim_id, attributes)
                        select gen_random_uuid(), ?, 'm' || gen_random_uuid() || '@x.test', 'active',
                               case when n % 3 = 0 then null else gen_random_uuid() end, '{}'
                          from generate_series(1, ?) n""", org, 1 + random.nextInt(5));
                case 2 -> app.execute("""
                        update managed_accounts set scim_id = null, status = 'disabled', version = version + 1
                         where id in (select id from managed_accounts where org_id = ? and scim_id is not null order by random() limit ?)""",
                        org, 1 + random.nextInt(3));
                case 3 -> app.execute("""
                        update managed_accounts set scim_id = gen_random_uuid(), status = 'active', version = version + 1
                         where id in (select id from managed_accounts where org_id = ? and scim_id is null order by random() limit ?)""",
                        org, 1 + random.nextInt(3));
                case 4 -> app.execute("""
                        update managed_accounts set display_name = 'renamed', status = case when status = 'active' then 'deactivated' else status end,
                               updated_at = now(), version = version + 1
                         where id in (select id from managed_accounts where org_id = ? order by random() limit ?)""",
                        org, 1 + random.nextInt(4));
                case 5 -> app.execute("""
                        update managed_accounts set org_id = ?
                         where id in (select id from managed_accounts where org_id = ? order by random() limit 1)""", other, org);
                case 6 -> app.execute("""
                        delete from managed_accounts
                         where id in (select id from managed_accounts where org_id = ? order by random() limit ?)""",
                        org, 1 + random.nextInt(3));
                default -> app.execute("""
                        update managed_accounts set scim_id = case when scim_id is null then gen_random_uuid() end,
                               status = case when scim_id is null then 'active' else 'disabled' end
                         where id in (select id from managed_accounts where org_id = ? order by random() limit ?)""",
                        org, 1 + random.nextInt(4));
            }
            for (UUID o : new UUID[] {a, b}) {
                assertThat(app.count("select coalesce(sum(linked), 0) from org_account_counts where org_id = ?", o))
                        .as("step %d, organization %s", step, o)
                        .isEqualTo(app.count("select count(*) from managed_accounts where org_id = ? and scim_id is not null", o));
            }
        }
        assertThat(app.count("select count(*) from managed_accounts where org_id = any(?)", (Object) new UUID[] {a, b}))
                .isGreaterThan(50);
    }
}
