package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.Account;
import dev.lanyard.cli.AdminApi.AccountStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanyard account list|delete}: the managed accounts provisioning created. */
@Command(name = "account", description = "List and delete managed accounts.",
        subcommands = {AccountCommand.ListAccounts.class, AccountCommand.Delete.class})
final class AccountCommand {

    @Command(name = "list", description = "List the organization's managed accounts.")
    static final class ListAccounts extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Option(names = "--status", paramLabel = "STATUS", description = "Only accounts in this state: ${COMPLETION-CANDIDATES}.")
        Optional<AccountStatus> status = Optional.empty();

        ListAccounts(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            List<Account> accounts = admin.listAccounts(org, status);
            if (accounts.isEmpty()) {
                out.println("No " + status.map(s -> s.wire() + " ").orElse("") + "accounts in " + org + ".");
                return;
            }
            Table table = new Table("ID", "EMAIL", "STATUS", "SCIM ID", "EXTERNAL ID", "SUCCESSOR", "UPDATED");
            for (Account a : accounts) {
                table.row(a.id(), a.email(), a.status(), orDash(a.scimId()), orDash(a.externalId()), orDash(a.successorId()), a.updatedAt());
            }
            table.print(out);
            out.println(accounts.size() + (accounts.size() == 1 ? " account" : " accounts"));
        }
    }

    @Command(name = "delete", description = "Delete an account for good: any account that is not active (deactivated, invalidated, disabled).")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "ACCOUNT_ID", description = "Account id, from `account list`.")
        String accountId;

        Delete(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.deleteAccount(org, accountId);
            out.println("Deleted account " + accountId + ".");
        }
    }
}
