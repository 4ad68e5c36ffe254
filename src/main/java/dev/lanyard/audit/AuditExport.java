package dev.lanyard.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.domain.JsonBuffers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes audit entries to a stream as they come ({@link AuditTrailService#export} hands them over
 * a batch at a time), as CSV (RFC 4180) or JSON; nothing is collected first.
 *
 * <p>CSV opened in a spreadsheet must not run anything: a cell that starts with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return gets a leading {@code '} (OWASP,
 * "CSV Injection"), since an admin's email, a token label or an IdP's value may be chosen by
 * someone else.
 */
public abstract sealed class AuditExport implements AutoCloseable {
    public static final String CSV_TYPE = "text/csv; charset=utf-8";
    public static final String JSON_TYPE = "application/json";
    private static final ObjectMapper MAPPER = JsonBuffers.pooled(new ObjectMapper());
    /** One entry at a time into the open document, flushed every batch rather than after each value. */
    private static final com.fasterxml.jackson.databind.ObjectWriter ENTRY = MAPPER.writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /** The formats: {@code csv} and {@code json}. */
    public static final java.util.List<String> FORMATS = java.util.List.of("csv", "json");

    public static String contentType(String format) {
        return format.equals("csv") ? CSV_TYPE : JSON_TYPE;
    }

    /** The file name an export is offered as: {@code lanyard-audit-<org id>.csv}. */
    public static String fileName(UUID orgId, String format) {
        return "lanyard-audit-" + orgId + "." + format;
    }

    /**
     * Writes every entry the query matches to {@code out} in {@code format}, as it reads them
     * ({@link AuditTrailService#export}); returns how many.
     */
    public static long write(AuditTrailService audit, UUID orgId, AuditTrailService.Query q, String format, OutputStream out) {
        if (!FORMATS.contains(format)) throw new dev.lanyard.domain.DomainException.Invalid("format must be csv or json");
        try (AuditExport export = format.equals("csv") ? csv(out) : json(out, orgId, Instant.now())) {
            return audit.export(orgId, q, export::write);
        }
    }

    /** Writes one entry. */
    public abstract void write(AuditEntry e);

    /** Ends the document and flushes; the stream stays open (it belongs to the caller). */
    @Override
    public abstract void close();

    public static AuditExport csv(OutputStream out) {
        return new Csv(out);
    }

    public static AuditExport json(OutputStream out, UUID orgId, Instant exportedAt) {
        return new Json(out, orgId, exportedAt);
    }

    /** The entry as the admin API and the JSON export show it. */
    public static Map<String, Object> asMap(AuditEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", e.at().toString());
        m.put("actor", e.actor().text());
        m.put("actorName", e.actorLabel());
        m.put("action", e.action());
        m.put("target", e.target().map(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("type", t.type());
            tm.put("id", t.id());
            tm.put("name", t.label());
            return tm;
        }).orElse(null));
        m.put("detail", e.detail());
        return m;
    }

    static final class Csv extends AuditExport {
        static final String HEADER = "id,at,actor,actor_name,action,target_type,target_id,target_name,detail\r\n";
        private final Writer out;
        private int sinceFlush;

        Csv(OutputStream out) {
            this.out = new java.io.BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
            io(() -> this.out.write(HEADER));
        }

        @Override
        public void write(AuditEntry e) {
            String line = String.join(",", cell(String.valueOf(e.id())), cell(e.at().toString()), cell(e.actor().text()), cell(e.actorLabel()),
                    cell(e.action()), cell(e.target().map(AuditTrail.Target::type).orElse("")),
                    cell(e.target().map(AuditTrail.Target::id).orElse("")), cell(e.target().map(AuditTrail.Target::label).orElse("")),
                    cell(e.detail().toString())) + "\r\n";
            io(() -> {
                out.write(line);
                if (++sinceFlush >= AuditTrailService.EXPORT_BATCH) {
                    out.flush();
                    sinceFlush = 0;
                }
            });
        }

        @Override
        public void close() {
            io(out::flush);
        }
    }

    /** One CSV cell: neutralised if a spreadsheet would read it as a formula, quoted if it holds a comma, quote or line break. */
    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) v = "'" + v;
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    static final class Json extends AuditExport {
        private final JsonGenerator gen;
        private int sinceFlush;

        Json(OutputStream out, UUID orgId, Instant exportedAt) {
            try {
                gen = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
                gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                gen.writeStartObject();
                gen.writeStringField("organization", orgId.toString());
                gen.writeStringField("exportedAt", exportedAt.toString());
                gen.writeArrayFieldStart("entries");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(AuditEntry e) {
            io(() -> {
                ENTRY.writeValue(gen, asMap(e));
                if (++sinceFlush >= AuditTrailService.EXPORT_BATCH) {
                    gen.flush();
                    sinceFlush = 0;
                }
            });
        }

        @Override
        public void close() {
            io(() -> {
                gen.writeEndArray();
                gen.writeEndObject();
                gen.close();
            });
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void io(Io io) {
        try {
            io.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
