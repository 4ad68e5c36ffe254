package dev.lanyard.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes the embedded data folder startable after a crash (kill -9 of Lanyard, of PostgreSQL, or
 * both). PostgreSQL refuses to start while {@code postmaster.pid} names a PID that
 * {@code kill(pid, 0)} finds, and that includes a zombie (a killed postmaster whose parent has not
 * reaped it yet) and an unrelated process that reused the PID. So before a start:
 *
 * <ul>
 *   <li>a live postgres working in this data folder (an orphan of a killed Lanyard) is asked to
 *       stop (SIGTERM: it has no clients left, its commits are durable), and killed if it will not;</li>
 *   <li>once no live process works in the folder any more (orphaned backends of a killed
 *       postmaster leave by themselves; they are killed after a grace period), a pid file that
 *       names a dead PID, a zombie, or a process that is not a postgres of this folder is
 *       removed. Removing it while an old backend still ran would let two servers write the same
 *       files, which is why the folder is checked first.</li>
 * </ul>
 * Liveness and "works in this folder" come from Linux's /proc (state and cwd: a postmaster and
 * its backends run with the data folder as their working directory); elsewhere only the
 * process's command name is known.
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final Duration BACKENDS_WAIT = Duration.ofSeconds(15);

    private StalePostmaster() {}

    static void clear(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        Path folder = pgData.toRealPath();
        Optional<Long> pid = readPid(pidFile);
        if (pid.isPresent() && isLivePostgresIn(pid.get(), folder)) {
            log.warn("PostgreSQL from an earlier run (pid {}) still holds {}; stopping it", pid.get(), pgData);
            ProcessHandle orphan = ProcessHandle.of(pid.get()).orElseThrow();
            orphan.destroy();
            if (!waitGone(pid.get(), folder, STOP_WAIT)) {
                log.warn("PostgreSQL pid {} did not stop within {} s; killing it", pid.get(), STOP_WAIT.toSeconds());
                orphan.destroyForcibly();
                waitGone(pid.get(), folder, Duration.ofSeconds(10));
            }
            if (isLivePostgresIn(pid.get(), folder)) {
                throw new IOException("PostgreSQL pid " + pid.get() + " still holds " + pgData + "; stop it and start again");
            }
        }
        List<Long> workers = liveProcessesIn(folder);
        if (!workers.isEmpty()) {
            log.warn("processes of an earlier PostgreSQL ({}) still work in {}; waiting for them to leave", workers, pgData);
            long deadline = System.nanoTime() + BACKENDS_WAIT.toNanos();
            while (!(workers = liveProcessesIn(folder)).isEmpty() && System.nanoTime() < deadline) sleep(200);
            for (long w : workers) ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(workers = liveProcessesIn(folder)).isEmpty() && System.nanoTime() < deadline) sleep(200);
            if (!workers.isEmpty()) {
                throw new IOException("processes " + workers + " still work in " + pgData + "; stop them and start again");
            }
        }
        if (Files.exists(pidFile)) {
            log.warn("removing the stale {} (pid {} is {}); PostgreSQL will recover from its write-ahead log",
                    pidFile, pid.map(String::valueOf).orElse("unreadable"), pid.map(StalePostmaster::describe).orElse("-"));
            Files.deleteIfExists(pidFile);
        }
    }

    /** The postmaster's PID: the pid file's first line. */
    static Optional<Long> readPid(Path pidFile) {
        try {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A running (not zombie) postgres process whose working directory is {@code folder}. */
    static boolean isLivePostgresIn(long pid, Path folder) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        if (Files.isDirectory(Path.of("/proc/self"))) {
            return Files.isDirectory(proc) && !zombie(proc) && worksIn(proc, folder) && comm(proc).startsWith("postgres");
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).isPresent();
    }

    private static List<Long> liveProcessesIn(Path folder) throws IOException {
        List<Long> found = new ArrayList<>();
        if (!Files.isDirectory(Path.of("/proc/self"))) return found;
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                if (!zombie(p) && worksIn(p, folder)) found.add(Long.parseLong(name));
            }
        }
        return found;
    }

    private static boolean waitGone(long pid, Path folder, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isLivePostgresIn(pid, folder)) return true;
            sleep(100);
        }
        return false;
    }

    private static String describe(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        if (!Files.isDirectory(proc)) return "gone";
        if (zombie(proc)) return "a zombie";
        return "another process (" + comm(proc) + ")";
    }

    /** /proc/PID/stat: "pid (comm) S ...", the state after the last ')'. */
    private static boolean zombie(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            int close = stat.lastIndexOf(')');
            char state = stat.charAt(close + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true;  // gone between the listing and the read: as good as dead
        }
    }

    private static boolean worksIn(Path proc, Path folder) {
        try {
            return Files.readSymbolicLink(proc.resolve("cwd")).equals(folder);
        } catch (IOException | RuntimeException e) {
            return false;  // gone, or another user's process we cannot look into: not ours
        }
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
