package dev.lanyard.idp;

import dev.lanyard.testing.Replay;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Microsoft Entra ID's request sequences (src/test/resources/idp/entra), replayed over HTTP against
 * the real server, each scenario on a fresh organization, with the body shapes Microsoft's
 * provisioning documentation and its validator reports show (sources in each file).
 */
class EntraReplayIT {
    static final TestApp app = TestApp.start();

    /** Entra asks for SCIM JSON and sends JSON bodies (its User-Agent is not documented, so none is sent). */
    static final Map<String, String> ENTRA_HEADERS = Map.of("Accept", "application/scim+json");

    @AfterAll
    static void stop() {
        app.close();
    }

    @TestFactory
    Stream<DynamicContainer> entra_scenarios() {
        return Stream.of("test-connection", "user-lifecycle", "first-email", "rename-in-place", "group-provisioning")
                .map(name -> Replay.scenario(app, "/idp/entra/" + name + ".json", ENTRA_HEADERS));
    }
}
