package dev.lanyard.idp;

import dev.lanyard.testing.Replay;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Okta's recorded request sequences (src/test/resources/idp/okta), replayed over HTTP against
 * the real server, each scenario on a fresh organization. They carry Okta's headers and body
 * shapes as its documentation and published test suites show them.
 */
class OktaReplayIT {
    static final TestApp app = TestApp.start();

    /** What Okta sends on every call (okta-developer-docs scim-20 reference; okta-blog-archive PR 1956). */
    static final Map<String, String> OKTA_HEADERS = Map.of(
            "User-Agent", "Okta SCIM Client 1.0.0",
            "Accept", "application/scim+json",
            "Accept-Charset", "utf-8");

    @AfterAll
    static void stop() {
        app.close();
    }

    @TestFactory
    Stream<DynamicContainer> okta_scenarios() {
        return Stream.of("test-api-credentials", "assign-update-deactivate", "spec-test", "rename-in-place", "push-groups")
                .map(name -> Replay.scenario(app, "/idp/okta/" + name + ".json", OKTA_HEADERS));
    }
}
