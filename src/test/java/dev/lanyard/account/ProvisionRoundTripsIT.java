package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.domain.Actor;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.StatementRecorder;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SCIM create of a new user is one statement that commits by itself (issue 16): one round trip
 * to PostgreSQL, no BEGIN and no COMMIT of its own. Re-attaching a disabled account, the rare
 * case, still runs in one transaction. What the service sends is recorded on the pool it uses.
 */
class ProvisionRoundTripsIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_new_user_is_one_statement_without_a_transaction_of_its_own() {
        TestApp.Org org = app.newOrg("round-trips");
        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())));

        ManagedAccount created = accounts.provision(UUID.fromString(org.id()), profile("ada@example.com"), new Actor.Operator());

        assertThat(recorder.calls()).containsExactly("execute");
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid and scim_id is not null", created.id().toString()))
                .isEqualTo(1);
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'created'", created.id().toString()))
                .isEqualTo(1);
        assertThat(app.count("select count(*) from directory_events where subject_id = ?::uuid and type = 'account.created'",
                created.id().toString())).isEqualTo(1);
    }

    @Test
    void a_disabled_account_is_reattached_in_one_transaction() {
        TestApp.Org org = app.newOrg("reattach");
        UUID orgId = UUID.fromString(org.id());
        Transactions plain = new Transactions(app.dataSource());
        ManagedAccount first = new AccountService(plain).provision(orgId, profile("grace@example.com"), new Actor.Operator());
        app.execute("update managed_accounts set status = 'disabled', scim_id = null where id = ?::uuid", first.id().toString());

        StatementRecorder recorder = new StatementRecorder();
        ManagedAccount again = new AccountService(new Transactions(recorder.wrap(app.dataSource())))
                .provision(orgId, profile("Grace@Example.com"), new Actor.Operator());

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(recorder.calls().getFirst()).isEqualTo("execute");           // the one-statement attempt wrote nothing
        assertThat(recorder.calls().subList(1, recorder.calls().size())).startsWith("begin").endsWith("commit");
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'reattached'", first.id().toString()))
                .isEqualTo(1);
    }

    /**
     * A PUT or PATCH that renames no one and takes no access away (a profile sync, a
     * reactivation) is one statement too: the conditional update and its history row. A
     * deactivation locks the row and asks the safeguard first, in a transaction; a rename runs in one.
     */
    @Test
    void a_change_without_rename_or_removal_is_one_statement_and_the_others_a_transaction() {
        TestApp.Org org = app.newOrg("updates");
        UUID orgId = UUID.fromString(org.id());
        ManagedAccount ada = new AccountService(new Transactions(app.dataSource())).provision(orgId, profile("ada@example.com"), new Actor.Operator());
        UUID scimId = ada.scimId().orElseThrow();

        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())));
        AccountProfile renamedDisplay = new AccountProfile("ada@example.com", Optional.empty(), Optional.of("Ada L."), Optional.of(true),
                JsonNodeFactory.instance.objectNode().put("userName", "ada@example.com").put("displayName", "Ada L."));
        ManagedAccount updated = accounts.update(orgId, scimId, Precondition.NONE, current -> renamedDisplay, new Actor.Operator());

        assertThat(recorder.calls()).containsExactly("execute", "execute");  // the read it was computed from, then the write
        assertThat(updated.version()).isEqualTo(ada.version() + 1);
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'updated'", ada.id().toString()))
                .isEqualTo(1);
        assertThat(app.count("select count(*) from directory_events where subject_id = ?::uuid and type = 'account.updated'",
                ada.id().toString())).isEqualTo(1);

        // A new userName (by default a new account, docs/product-rules.md rule 7): in a transaction.
        StatementRecorder renames = new StatementRecorder();
        new AccountService(new Transactions(renames.wrap(app.dataSource())))
                .update(orgId, scimId, Precondition.NONE, current -> profile("ada.l@example.com"), new Actor.Operator());
        assertThat(renames.calls()).contains("begin").endsWith("commit");
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'invalidated'", ada.id().toString()))
                .isEqualTo(1);
    }

    /**
     * A deactivation asks the safeguard (docs/safeguard.md), in a batch of removals even alone
     * (AccountService.writeRemovals): its transaction takes the organization's safeguard lock
     * shared without waiting, locks the row without waiting, claims its reservation and reads the
     * organization's settings (one statement for all of a batch's removals), then writes.
     */
    @Test
    void a_deactivation_is_four_statements_in_its_transaction() {
        TestApp.Org org = app.newOrg("deactivation-round-trips");
        UUID orgId = UUID.fromString(org.id());
        ManagedAccount ada = new AccountService(new Transactions(app.dataSource())).provision(orgId, profile("ada@example.com"), new Actor.Operator());

        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())),
                dev.lanyard.safeguard.SafeguardService.guard());
        var inactive = JsonNodeFactory.instance.objectNode().put("userName", "ada@example.com").put("active", false);
        ManagedAccount deactivated = accounts.update(orgId, ada.scimId().orElseThrow(), Precondition.NONE,
                current -> new AccountProfile("ada@example.com", Optional.empty(), Optional.empty(), Optional.of(false), inactive),
                new Actor.Operator());

        assertThat(deactivated.active()).isFalse();
        List<String> calls = recorder.calls();
        assertThat(calls).containsOnlyOnce("begin").endsWith("commit");
        assertThat(calls.subList(calls.indexOf("begin") + 1, calls.size() - 1))
                .as("in the transaction: the safeguard's lock, the row's lock, the claim with the settings, the write")
                .containsExactly("execute", "execute", "execute", "execute");
        assertThat(app.count("select count(*) from safeguard_reservations where org_id = ?::uuid", org.id())).isZero();  // claimed
        assertThat(app.count("select coalesce(sum(removed), 0) from safeguard_removals where org_id = ?::uuid", org.id())).isEqualTo(1);
    }

    static AccountProfile profile(String email) {
        var attributes = JsonNodeFactory.instance.objectNode().put("userName", email);
        return new AccountProfile(email, Optional.empty(), Optional.empty(), Optional.of(true), attributes);
    }
}
