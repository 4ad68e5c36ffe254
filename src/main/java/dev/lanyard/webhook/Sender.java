package dev.lanyard.webhook;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One webhook POST, HTTP/1.1 over a socket this class opens itself, so that what was checked is
 * what is connected to: the host is resolved once, every address it resolves to must pass
 * {@link AddressPolicy}, and the socket connects to that address (a DNS answer that changes
 * afterwards, "DNS rebinding", changes nothing). TLS still verifies the certificate against the
 * host name (SNI and endpoint identification "HTTPS"). Bounded: 5 s to connect, 10 s for the whole
 * exchange (a timer closes the socket, so a server that trickles bytes cannot hold it), 16 KiB of
 * response headers, {@link #EXCERPT_BYTES} of response body kept; redirects are not followed (a 3xx
 * is a failed attempt like any other non-2xx).
 */
final class Sender {
    static final int EXCERPT_BYTES = 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-timeouts");
        t.setDaemon(true);
        return t;
    });

    /** What came of one attempt. */
    sealed interface Outcome {
        long latencyMs();

        /** The endpoint answered with an HTTP status (2xx is success). */
        record Answered(int status, String excerpt, long latencyMs) implements Outcome {}

        /** No HTTP answer: refused address, unknown host, connection or TLS failure, timeout. */
        record Failed(String error, long latencyMs) implements Outcome {}
    }

    private final boolean allowPrivate;

    Sender(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    Outcome post(URI url, Map<String, String> headers, byte[] body) {
        long start = System.nanoTime();
        InetAddress address;
        try {
            address = resolve(url.getHost());
        } catch (Refused e) {
            return new Outcome.Failed(e.getMessage(), 0);
        }
        boolean https = "https".equals(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        AtomicBoolean timedOut = new AtomicBoolean();
        Socket raw = new Socket();
        var timer = TIMERS.schedule(() -> {
            timedOut.set(true);
            closeQuietly(raw);
        }, TOTAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try (raw) {
            raw.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
            raw.setSoTimeout((int) TOTAL_TIMEOUT.toMillis());
            Socket socket = https ? tls(raw, hostName(url), port) : raw;
            write(socket.getOutputStream(), url, port, https, headers, body);
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            String error = timedOut.get() ? "no answer within " + TOTAL_TIMEOUT.toSeconds() + " s"
                    : e instanceof java.net.SocketTimeoutException && !raw.isConnected() ? "could not connect within " + CONNECT_TIMEOUT.toSeconds() + " s"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Outcome.Failed(clip(error), millisSince(start));
        } finally {
            timer.cancel(false);
        }
    }

    /** The one address to connect to; every address of the host must be allowed (else one answer could be used later). */
    InetAddress resolve(String host) throws Refused {
        if (host == null) throw new Refused("the URL has no host");
        List<InetAddress> all;
        try {
            all = List.of(InetAddress.getAllByName(hostName(host)));
        } catch (UnknownHostException e) {
            throw new Refused("the host " + host + " is unknown (DNS)");
        }
        for (InetAddress a : all) {
            Optional<String> why = AddressPolicy.refusal(a, allowPrivate);
            if (why.isPresent()) {
                throw new Refused("refused: " + host + " resolves to " + a.getHostAddress() + ", " + why.get()
                        + (why.get().contains("metadata") ? "" : "; the operator can allow private addresses (LANYARD_WEBHOOKS_ALLOW_PRIVATE)"));
            }
        }
        return all.getFirst();
    }

    /** An address webhooks may not go to. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private static Socket tls(Socket raw, String host, int port) throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS", e);
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !host.matches("[0-9.]+")) params.setServerNames(List.of(new SNIHostName(host)));
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    private static void write(OutputStream out, URI url, int port, boolean https, Map<String, String> headers, byte[] body) throws IOException {
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        boolean defaultPort = port == (https ? 443 : 80);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(defaultPort ? "" : ":" + port).append("\r\n")
                .append("User-Agent: Lanyard-Webhooks/1\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static Outcome read(InputStream in, long start) throws IOException {
        String head = readHead(in);
        long latency = millisSince(start);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[1-5][0-9][0-9]")) {
            return new Outcome.Failed(clip("not an HTTP/1.x answer: " + lines[0]), latency);
        }
        int code = Integer.parseInt(status[1]);
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) chunked = true;
            if (line.startsWith("content-length:")) {
                try {
                    length = Long.parseLong(line.substring("content-length:".length()).strip());
                } catch (NumberFormatException e) {
                    return new Outcome.Failed("the answer's Content-Length is not a number", latency);
                }
            }
        }
        // RFC 9112 §6.3: no body for 1xx, 204 and 304; else chunked, Content-Length, or until the connection closes.
        boolean noBody = code / 100 == 1 || code == 204 || code == 304;
        byte[] excerpt = noBody ? new byte[0] : chunked ? dechunk(in)
                : in.readNBytes((int) (length >= 0 ? Math.min(length, EXCERPT_BYTES) : EXCERPT_BYTES));
        return new Outcome.Answered(code, text(excerpt), latency);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed before the answer's headers ended");
            head.write(b);
            if (head.size() > MAX_HEADER_BYTES) throw new IOException("the answer's headers are longer than 16 KiB");
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The first {@link #EXCERPT_BYTES} of a chunked body (RFC 9112 §7.1), ignoring what follows. */
    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < EXCERPT_BYTES) {
            StringBuilder size = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0 || size.length() > 64) return out.toByteArray();
                if (b != '\r') size.append((char) b);
            }
            int semicolon = size.indexOf(";");
            int n;
            try {
                n = Integer.parseInt((semicolon < 0 ? size.toString() : size.substring(0, semicolon)).strip(), 16);
            } catch (NumberFormatException e) {
                return out.toByteArray();
            }
            if (n <= 0) break;
            out.write(in.readNBytes(Math.min(n, EXCERPT_BYTES - out.size())));
            if (out.size() >= EXCERPT_BYTES) break;
            in.readNBytes(2);
        }
        return out.toByteArray();
    }

    /** Text to show: UTF-8 with replacement characters, no NUL (PostgreSQL refuses it), at most the excerpt's length. */
    private static String text(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        return s.length() > EXCERPT_BYTES ? s.substring(0, EXCERPT_BYTES) : s;
    }

    static String clip(String error) {
        String s = error == null ? "" : error.replace('\u0000', '\uFFFD');
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    private static String hostName(URI url) {
        return hostName(url.getHost());
    }

    /** URI keeps an IPv6 literal's brackets; the resolver and TLS want it without. */
    private static String hostName(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing to end a timed-out exchange
        }
    }
}
