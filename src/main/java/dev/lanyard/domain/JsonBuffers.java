package dev.lanyard.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jackson's read and write buffers, shared by every mapper of the server (the SCIM SDK's factory
 * has a pool of its own: {@link #pooledApart}). Jackson keeps them per
 * thread by default, which reuses nothing when every request runs on a new virtual thread: each
 * parse and each write allocated fresh buffers (8-16 KB apiece), most of the ~100 KB a SCIM
 * lookup allocated (issue 16). The pool is bounded: at most {@link #KEPT} sets are kept, any more
 * in use at once are allocated and dropped as before. It takes no lock: Jackson's own bounded pool
 * is an ArrayBlockingQueue, whose lock parks the virtual threads that meet on it.
 */
public final class JsonBuffers {
    static final int KEPT = 64;
    static final RecyclerPool<BufferRecycler> POOL = new Kept(KEPT);

    /** Writes what {@link JsonNode#toString()} writes; that goes through Jackson's internal mapper, whose buffers are per thread. */
    private static final ObjectWriter TEXT = pooled(new ObjectMapper()).writer();

    private JsonBuffers() {}

    /** The tree as compact JSON text, exactly as {@link JsonNode#toString()} writes it, with pooled buffers. */
    public static String text(JsonNode node) {
        try {
            return TEXT.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** {@code mapper}, its factory set to take buffers from the shared pool. */
    public static <M extends ObjectMapper> M pooled(M mapper) {
        mapper.getFactory().setRecyclerPool(POOL);
        return mapper;
    }

    /** {@code factory}, set to take buffers from the shared pool. */
    public static <F extends JsonFactory> F pooled(F factory) {
        factory.setRecyclerPool(POOL);
        return factory;
    }

    /**
     * {@code factory}, set to take buffers from a pool of its own, for a factory some of whose
     * parsers are never closed: a recycler such a parser takes never comes back, and taken from
     * the shared pool it would leave that pool empty for everyone else (see ScimJson).
     */
    public static <F extends JsonFactory> F pooledApart(F factory) {
        factory.setRecyclerPool(new Kept(KEPT));
        return factory;
    }

    /** Up to {@code capacity} recyclers, newest first (its buffers are the likeliest in a cache), lock-free. */
    static final class Kept implements RecyclerPool<BufferRecycler> {
        private static final long serialVersionUID = 1L;
        private final ConcurrentLinkedDeque<BufferRecycler> kept = new ConcurrentLinkedDeque<>();
        /** Counted before a recycler goes in and after one came out, so the deque never holds more than this. */
        private final AtomicInteger count = new AtomicInteger();
        private final int capacity;

        Kept(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public BufferRecycler acquirePooled() {
            BufferRecycler r = kept.pollFirst();
            if (r == null) return new BufferRecycler();
            count.decrementAndGet();
            return r;
        }

        @Override
        public void releasePooled(BufferRecycler r) {
            if (count.incrementAndGet() > capacity) {
                count.decrementAndGet();
                return;
            }
            kept.offerFirst(r);
        }

        @Override
        public int pooledCount() {
            return count.get();
        }
    }
}
