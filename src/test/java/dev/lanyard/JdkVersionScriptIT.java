package dev.lanyard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/lib/java.sh tells a JDK's version from its {@code release} file without starting it (a JVM
 * start per JDK looked at was about 0.1 s of every {@code bin/lanyard serve}, issue 16), and from
 * {@code java -version} only when there is no such file.
 */
class JdkVersionScriptIT {
    private static final Path JAVA_SH = Path.of("bin/lib/java.sh").toAbsolutePath();

    Path jdks;

    @BeforeEach
    void folder() throws IOException {
        jdks = Files.createTempDirectory("lanyard-jdks");
    }

    @AfterEach
    void remove() throws IOException {
        try (var paths = Files.walk(jdks)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void the_release_file_tells_the_version_and_the_jvm_is_not_started() throws Exception {
        Path ran = jdks.resolve("java-was-run");
        Path jdk = fakeJdk("jdk-23", "touch '" + ran + "'; exit 1");
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"23.0.1\"\nJAVA_VERSION_DATE=\"2024-10-15\"\n");
        Path earlyAccess = fakeJdk("jdk-26-ea", "touch '" + ran + "'; exit 1");
        Files.writeString(earlyAccess.resolve("release"), "JAVA_VERSION=\"26-ea\"\n");

        assertThat(major(jdk)).isEqualTo("23");
        assertThat(major(earlyAccess)).isEqualTo("26");
        assertThat(ran).doesNotExist();
    }

    @Test
    void without_a_release_file_java_version_tells_it() throws Exception {
        Path jdk = fakeJdk("jdk-22", "echo 'openjdk version \"22.0.2\" 2024-07-16' >&2");
        Path eight = fakeJdk("jdk-8", "echo 'openjdk version \"1.8.0_392\"' >&2");
        Path broken = fakeJdk("broken", "exit 1");

        assertThat(major(jdk)).isEqualTo("22");
        assertThat(major(eight)).isEqualTo("8");
        assertThat(major(broken)).isEmpty();
    }

    private Path fakeJdk(String name, String javaBody) throws IOException {
        Path jdk = jdks.resolve(name);
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\n" + javaBody + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    private static String major(Path jdk) throws Exception {
        List<String> command = List.of("bash", "-c", "source \"$1\"; lanyard_java_major \"$2\"", "bash", JAVA_SH.toString(),
                jdk.resolve("bin/java").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
