package dev.lanyard.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens and passwords appear nowhere: not in any log line, not in any answer. */
class NoSecretsInLogsIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void tokens_and_passwords_never_reach_the_logs_or_the_answers() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        List<String> answers = new ArrayList<>();
        TestApp.Org org = app.newOrg("secrets");
        String password = "Pl4ceholder-Passw0rd-xyz";
        String wrongToken = "lanyard_scim_WRONG-token-that-must-not-be-logged";
        try {
            Http http = app.http();
            String user = "{\"userName\":\"sam@example.com\",\"password\":\"" + password + "\",\"active\":true}";
            var created = http.send("POST", org.scimPath() + "/Users", org.token(), user);
            answers.add(created.body());
            String id = created.json().get("id").asText();
            answers.add(http.send("GET", org.scimPath() + "/Users/" + id, org.token(), (String) null).body());
            answers.add(http.send("PATCH", org.scimPath() + "/Users/" + id, org.token(),
                    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"password\",\"value\":\"" + password + "\"}]}").body());
            answers.add(http.send("PUT", org.scimPath() + "/Users/" + id, org.token(), user).body());
            answers.add(http.send("POST", org.scimPath() + "/Users", org.token(), user).body());  // 409
            answers.add(http.send("POST", org.scimPath() + "/Users", org.token(), "{\"password\":\"" + password + "\"").body());  // bad JSON
            answers.add(http.send("GET", org.scimPath() + "/Users", wrongToken, (String) null).body());  // 401
            answers.add(http.send("GET", org.scimPath() + "/Users", (String) null,
                    Map.of("Authorization", "Basic " + wrongToken)).body());
            answers.add(http.send("GET", "/admin/api/orgs", wrongToken, (String) null).body());
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines = captured.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList();
        assertThat(lines).as("access log lines were captured").anyMatch(l -> l.contains("POST /scim/v2/"));
        for (String secret : List.of(org.token(), app.operatorToken(), password, wrongToken)) {
            assertThat(lines).noneMatch(l -> l.contains(secret));
            assertThat(answers).noneMatch(a -> a.contains(secret));
        }
        assertThat(app.count("select count(*) from managed_accounts where attributes::text like ?", "%" + password + "%")).isZero();
    }
}
