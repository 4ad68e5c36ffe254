package dev.lanyard.sso;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12: the metadata URL's host is resolved once, every address is checked, and the request
 * goes to the checked address (so DNS rebinding cannot redirect it); size and time are bounded.
 * A local HTTP server stands in for the IdP; a test resolver stands in for DNS (no database).
 */
class MetadataFetchIT {
    static final byte[] METADATA = "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>"
            .getBytes(StandardCharsets.UTF_8);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static HttpServer server;
    static int port;
    static final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.createContext("/metadata", x -> {
            hosts.add(x.getRequestHeaders().getFirst("Host"));
            x.sendResponseHeaders(200, 0);  // 0: chunked
            x.getResponseBody().write(METADATA);
            x.close();
        });
        server.createContext("/huge", x -> {
            x.sendResponseHeaders(200, SafeXml.MAX_BYTES + 1L);
            x.getResponseBody().write(new byte[SafeXml.MAX_BYTES + 1]);
            x.close();
        });
        server.createContext("/huge-chunked", x -> {
            x.sendResponseHeaders(200, 0);
            byte[] kib = new byte[1024];
            for (int i = 0; i <= SafeXml.MAX_BYTES / 1024; i++) x.getResponseBody().write(kib);
            x.close();
        });
        server.createContext("/moved", x -> {
            x.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /** Only the loopback address counts as "public" here, so the local server can stand in for the IdP. */
    private static MetadataFetcher fetcher(MetadataFetcher.Resolver resolver, Duration total) {
        return new MetadataFetcher(LOOPBACK::equals, resolver, total);
    }

    @Test
    void the_host_is_resolved_once_and_the_request_goes_to_the_checked_address() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // A rebinding DNS: the checked answer first, a forbidden one for every later lookup.
        MetadataFetcher.Resolver rebinding = host -> lookups.incrementAndGet() == 1
                ? new InetAddress[] {LOOPBACK} : new InetAddress[] {InetAddress.getByName("169.254.169.254")};
        byte[] got = fetcher(rebinding, Duration.ofSeconds(10)).fetch("http://idp.rebinding.test:" + port + "/metadata");
        assertThat(got).isEqualTo(METADATA);
        assertThat(lookups.get()).isEqualTo(1);
        // The name (which no real DNS knows) went only into the Host header.
        assertThat(hosts).contains("idp.rebinding.test:" + port);
    }

    @Test
    void a_host_with_any_private_address_is_refused_before_any_connection() {
        MetadataFetcher.Resolver mixed = host -> new InetAddress[] {LOOPBACK, InetAddress.getByName("10.0.0.7")};
        assertThatThrownBy(() -> fetcher(mixed, Duration.ofSeconds(10)).fetch("http://mixed.test:" + port + "/metadata"))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("10.0.0.7").hasMessageContaining("private or local");
        assertThatThrownBy(() -> MetadataFetcher.publicOnly().fetch("http://[::ffff:169.254.169.254]/latest"))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("private or local");
    }

    @Test
    void size_time_and_redirects_are_bounded() throws Exception {
        MetadataFetcher.Resolver local = host -> new InetAddress[] {LOOPBACK};
        for (String path : List.of("/huge", "/huge-chunked")) {
            assertThatThrownBy(() -> fetcher(local, Duration.ofSeconds(10)).fetch("http://idp.test:" + port + path))
                    .as(path).isInstanceOf(DomainException.Invalid.class).hasMessageContaining("larger than");
        }
        assertThatThrownBy(() -> fetcher(local, Duration.ofSeconds(10)).fetch("http://idp.test:" + port + "/moved"))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("HTTP 302");
        // A server that accepts and never answers (or trickles): cut off at the overall deadline.
        try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) {
            Thread accepter = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    Thread.sleep(10_000);
                } catch (Exception ignored) {
                    // closed by the test's end
                }
            });
            long t = System.nanoTime();
            assertThatThrownBy(() -> fetcher(local, Duration.ofSeconds(1)).fetch("http://idp.test:" + silent.getLocalPort() + "/x"))
                    .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("did not answer");
            assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(5000);
            accepter.interrupt();
        }
    }

    @Test
    void addresses_that_carry_a_private_ipv4_address_are_not_public() throws Exception {
        assertThat(MetadataFetcher.isPublic(InetAddress.getByName("64:ff9b::a9fe:a9fe"))).isFalse();  // NAT64 of 169.254.169.254
        assertThat(MetadataFetcher.isPublic(InetAddress.getByName("::a00:1"))).isFalse();              // IPv4-compatible 10.0.0.1
        assertThat(MetadataFetcher.isPublic(InetAddress.getByName("64:ff9b::5db8:d70e"))).isTrue();    // NAT64 of a public one
    }
}
