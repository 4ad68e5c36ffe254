package dev.lanyard.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that runs against the real {@link Keycloak} (and usually a real browser,
 * {@link Chromium}). How to write one:
 *
 * <pre>{@code
 * @UsesKeycloak
 * class SamlSignInIT {
 *     static Keycloak keycloak;
 *
 *     @BeforeAll
 *     static void start() {
 *         keycloak = Keycloak.shared();           // started once per test JVM, shared by all classes
 *         keycloak.admin().createRealm("saml-sign-in");   // one realm per class keeps them apart
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>What the annotation does: the tag {@value #TAG} keeps the class out of Failsafe's second run
 * against an external PostgreSQL (pom.xml, {@code it-external}: {@code <excludedGroups>}), so
 * Keycloak starts once per {@code bin/test}; and when a test of the class fails, the end of
 * Keycloak's log is printed with the failure (in the test's output file under
 * {@code target/failsafe-reports/}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(UsesKeycloak.TAG)
@ExtendWith(UsesKeycloak.LogOnFailure.class)
public @interface UsesKeycloak {
    /** The JUnit tag; Failsafe's {@code groups} / {@code excludedGroups} select on it. */
    String TAG = "keycloak";

    /** Prints the tail of Keycloak's log next to a failed test, where people look first. */
    final class LogOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            String tail = Keycloak.sharedLogTail(80);
            if (!tail.isEmpty()) System.out.println(context.getDisplayName() + " failed; " + tail);
        }
    }
}
