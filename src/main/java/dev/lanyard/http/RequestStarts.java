package dev.lanyard.http;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Remembers how each request's target began, as the client sent it, so that {@link BelowRouterErrors}
 * can answer in the right shape even when Jetty could not parse the URI: for a URI too long (414)
 * or a malformed percent-encoding (400) Jetty reports the path as "/badMessage" or "/badURI", and a
 * console page asked for that way would get a SCIM Error. Only the first {@link #KEPT} bytes of
 * each request are looked at, in place (the parser reads the same buffer unchanged): enough to
 * tell {@code /console/...} from {@code /scim/...}.
 */
public final class RequestStarts {
    static final int KEPT = 64;

    private RequestStarts() {}

    /** Call from Javalin's {@code jetty.modifyServer}: the HTTP/1.1 connections of every connector remember. */
    public static void install(Server server) {
        // Javalin adds its connector just before the start (as SlowClients notes): replace the factory then.
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                for (var connector : server.getConnectors()) {
                    if (!(connector instanceof ServerConnector c)) continue;
                    List<org.eclipse.jetty.server.ConnectionFactory> factories = new ArrayList<>();
                    for (var f : c.getConnectionFactories()) {
                        factories.add(f instanceof HttpConnectionFactory h && !(f instanceof Factory) ? new Factory(h) : f);
                    }
                    c.setConnectionFactories(factories);
                }
            }
        });
    }

    /** The start of the request target as sent ("/console/acc%zz..."), when the connection kept it. */
    static Optional<String> of(Request request) {
        return request.getConnectionMetaData().getConnection() instanceof Remembering r ? Optional.of(r.target) : Optional.empty();
    }

    private static final class Factory extends HttpConnectionFactory {
        Factory(HttpConnectionFactory original) {
            super(original.getHttpConfiguration());
            setInputBufferSize(original.getInputBufferSize());
            setUseInputDirectByteBuffers(original.isUseInputDirectByteBuffers());
            setUseOutputDirectByteBuffers(original.isUseOutputDirectByteBuffers());
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            var connection = new Remembering(getHttpConfiguration(), connector, endPoint);
            connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
            connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
            connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
            return configure(connection, connector, endPoint);
        }
    }

    private static final class Remembering extends HttpConnection {
        /** Set while the superclass constructor runs (it asks for the handler before the parser). */
        private RequestHandler handler;
        private volatile String target = "";

        Remembering(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        @Override
        protected RequestHandler newRequestHandler() {
            RequestHandler h = super.newRequestHandler();
            handler = h;
            return h;
        }

        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpConfiguration config = getHttpConfiguration();
            HttpParser parser = new HttpParser(handler, config.getRequestHeaderSize(), compliance) {
                @Override
                public boolean parseNext(ByteBuffer buffer) {
                    if (isStart() && buffer != null && buffer.hasRemaining()) remember(buffer);
                    return super.parseNext(buffer);
                }
            };
            parser.setHeaderCacheSize(config.getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(config.isHeaderCacheCaseSensitive());
            return parser;
        }

        /** "GET /console/x HTTP/1.1" -> "/console/x" (of the first bytes only), read without moving the buffer. */
        private void remember(ByteBuffer buffer) {
            byte[] start = new byte[Math.min(KEPT, buffer.remaining())];
            buffer.duplicate().get(start);
            String line = new String(start, StandardCharsets.ISO_8859_1).stripLeading();
            int space = line.indexOf(' ');
            String rest = space < 0 ? "" : line.substring(space + 1);
            int end = rest.indexOf(' ');
            target = end < 0 ? rest : rest.substring(0, end);
        }
    }
}
