package dev.lanyard.sso;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 GET to an address already resolved and checked, never resolving the host again:
 * the connection goes to {@code address}, while the Host header, TLS SNI and the certificate check
 * (endpoint identification "HTTPS", RFC 2818 §3.1) use the URL's host name. So a DNS answer that
 * changes after the check (rebinding) cannot move the request to another address. Java's
 * HttpClient resolves the host itself when it connects, so it cannot give this guarantee.
 *
 * <p>Bounded: {@code connectTimeout} to connect, {@code total} for everything (each read waits at
 * most what is left), 16 KiB of status line and headers, {@code maxBody} bytes of body (chunked
 * or not). No redirects, no compression, {@code Connection: close}.
 */
final class PinnedGet {
    static final int MAX_HEAD = 16 * 1024;

    /** The answer: status and body (the body is empty unless the status is 200). */
    record Response(int status, byte[] body) {}

    /** The body was over the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("too large");
        }
    }

    private PinnedGet() {}

    static Response get(URI uri, InetAddress address, List<String> accept, Duration connectTimeout, Duration total, int maxBody)
            throws IOException {
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        long deadline = System.nanoTime() + total.toNanos();
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            Socket socket = raw;
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(raw, uri.getHost(), port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!isLiteral(uri.getHost())) params.setServerNames(List.of(new SNIHostName(uri.getHost())));
                ssl.setSSLParameters(params);
                remaining(ssl, deadline);
                ssl.startHandshake();
                socket = ssl;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
            String request = "GET " + target + " HTTP/1.1\r\nHost: " + host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + "\r\nAccept: " + String.join(", ", accept) + "\r\nAccept-Encoding: identity\r\nConnection: close\r\n"
                    + "User-Agent: Lanyard metadata fetch\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket, deadline, maxBody);
        } catch (SocketTimeoutException e) {
            throw new java.net.http.HttpTimeoutException("timed out");
        } finally {
            raw.close();
        }
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static Response read(Socket socket, long deadline, int maxBody) throws IOException {
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        String head = head(socket, in, deadline);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.1 answer");
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + status[1]);
        }
        if (code != 200) return new Response(code, new byte[0]);
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) continue;
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad Content-Length");
                }
            }
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
        }
        if (length > maxBody) throw new TooLarge();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(socket, in, deadline);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad chunk size");
                }
                if (n == 0) break;
                if (body.size() + n > maxBody) throw new TooLarge();
                copy(socket, in, body, n, deadline);
                line(socket, in, deadline);
            }
        } else if (length >= 0) {
            copy(socket, in, body, length, deadline);
        } else {
            copy(socket, in, body, -1, deadline);
            if (body.size() > maxBody) throw new TooLarge();
        }
        return new Response(code, body.toByteArray());
    }

    /** Up to {@code n} bytes ({@code -1}: until the end, stopping one byte past 2 MiB at most). */
    private static void copy(Socket socket, InputStream in, ByteArrayOutputStream out, long n, long deadline) throws IOException {
        byte[] buffer = new byte[8192];
        long left = n < 0 ? SafeXml.MAX_BYTES + 1L : n;
        while (left > 0) {
            remaining(socket, deadline);
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                if (n < 0) return;
                throw new IOException("the connection closed before the whole body arrived");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static String head(Socket socket, InputStream in, long deadline) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            if (head.length() >= MAX_HEAD) throw new IOException("the answer's headers are longer than " + MAX_HEAD + " bytes");
            remaining(socket, deadline);
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed before the headers ended");
            head.append((char) b);
        }
        return head.substring(0, head.length() - 4);
    }

    private static String line(Socket socket, InputStream in, long deadline) throws IOException {
        StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            if (line.length() > 1024) throw new IOException("a chunk line is too long");
            remaining(socket, deadline);
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed inside a chunk");
            line.append((char) b);
        }
        return line.substring(0, line.length() - 2);
    }

    /** Each read waits at most until the overall deadline. */
    private static void remaining(Socket socket, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new SocketTimeoutException("deadline");
        socket.setSoTimeout((int) Math.max(1, left));
    }
}
