package dev.lanyard;

import dev.lanyard.audit.AuditTrailService;
import dev.lanyard.sso.SamlSettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's hourly chores that belong to no request: the audit trail's retention sweep, the
 * SAML sign-in log's, and the IdP certificate expiry warnings. Each is bounded (batches, a cap
 * per run) and safe on several servers at once (deletes by age; warnings decided by a primary key).
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
    static final Duration EVERY = Duration.ofHours(1);

    /** What one run did. */
    record Done(int auditDeleted, int signInLogDeleted, int certificateWarnings) {}

    private final AuditTrailService audit;
    private final SamlSettingsService saml;
    private final Duration auditRetention;
    private final Duration logRetention;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("housekeeping").daemon().factory());

    Housekeeping(AuditTrailService audit, SamlSettingsService saml, Duration auditRetention, Duration logRetention, Clock clock) {
        this.audit = audit;
        this.saml = saml;
        this.auditRetention = auditRetention;
        this.logRetention = logRetention;
        this.clock = clock;
    }

    /** The first run this long after start: never in the way of starting (nor of a test class, which calls the chores itself). */
    static final Duration FIRST_RUN = Duration.ofMinutes(10);

    /** First run {@link #FIRST_RUN} after start, then every hour. */
    Housekeeping start() {
        timer.scheduleWithFixedDelay(this::runQuietly, FIRST_RUN.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    Done runOnce() {
        Instant now = clock.instant();
        int audited = audit.sweep(now.minus(auditRetention));
        int signIns = audit.sweepSignInLog(now.minus(logRetention));
        int warned = saml.warnExpiringCertificates(now);
        if (audited + signIns + warned > 0) {
            log.info("housekeeping: {} audit entries and {} sign-in log entries past retention deleted, {} certificate warnings written",
                    audited, signIns, warned);
        }
        return new Done(audited, signIns, warned);
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("housekeeping failed; next try in {} minutes", EVERY.toMinutes(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
