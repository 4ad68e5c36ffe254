package dev.lanyard.domain;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBuffersTest {
    private static final ObjectMapper MAPPER = JsonBuffers.pooled(new ObjectMapper());

    /**
     * A request's virtual thread is new each time: with Jackson's per-thread buffers each one
     * allocated its own. From the pool, the next thread gets the buffers the last one gave back.
     */
    @Test
    void a_new_thread_takes_the_buffers_the_last_one_gave_back() throws Exception {
        AtomicReference<BufferRecycler> first = new AtomicReference<>();
        AtomicReference<BufferRecycler> second = new AtomicReference<>();
        Thread.ofVirtual().start(() -> first.set(parseAndKeep())).join();
        Thread.ofVirtual().start(() -> second.set(parseAndKeep())).join();
        assertThat(second.get()).isSameAs(first.get());
        assertThat(JsonBuffers.POOL.pooledCount()).isBetween(1, JsonBuffers.KEPT);
    }

    private static BufferRecycler parseAndKeep() {
        try {
            MAPPER.readTree("{\"userName\":\"kim@example.com\"}");
            BufferRecycler taken = MAPPER.getFactory()._getBufferRecycler();
            taken.releaseToPool();
            return taken;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The pool keeps at most KEPT sets, however many were in use at once. */
    @Test
    void the_pool_is_bounded() {
        BufferRecycler[] taken = new BufferRecycler[JsonBuffers.KEPT * 2];
        for (int i = 0; i < taken.length; i++) taken[i] = JsonBuffers.POOL.acquireAndLinkPooled();
        for (BufferRecycler r : taken) r.releaseToPool();
        assertThat(JsonBuffers.POOL.pooledCount()).isEqualTo(JsonBuffers.KEPT);
    }

    /** Under threads that take and give back at once, the pool never keeps more than its capacity, and loses none it keeps. */
    @Test
    void the_bound_holds_under_concurrency() throws Exception {
        JsonBuffers.Kept pool = new JsonBuffers.Kept(8);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 32; t++) {
                threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        BufferRecycler r = pool.acquireAndLinkPooled();
                        assertThat(pool.pooledCount()).isBetween(0, 8);
                        r.releaseToPool();
                    }
                });
            }
        }
        assertThat(pool.pooledCount()).isBetween(1, 8);
        java.util.Set<BufferRecycler> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int kept = pool.pooledCount();
        for (int i = 0; i < kept; i++) distinct.add(pool.acquirePooled());
        assertThat(distinct).hasSize(kept);
        assertThat(pool.pooledCount()).isZero();
    }

    /** text() writes what JsonNode.toString() writes, for any tree. */
    @Test
    void text_is_what_to_string_writes() {
        Random random = new Random(16);
        for (int i = 0; i < 2_000; i++) {
            JsonNode node = randomObject(random, 3);
            assertThat(JsonBuffers.text(node)).isEqualTo(node.toString());
        }
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(5);
        for (int f = 0; f < fields; f++) {
            String name = "k" + random.nextInt(10) + (random.nextBoolean() ? "\u00e9\"\\" : "");
            switch (random.nextInt(depth > 0 ? 6 : 4)) {
                case 0 -> out.put(name, "v\n\t\u0001" + random.nextInt());
                case 1 -> out.put(name, random.nextDouble() * 1e6);
                case 2 -> out.put(name, random.nextBoolean());
                case 3 -> out.putNull(name);
                case 4 -> out.set(name, randomObject(random, depth - 1));
                default -> out.putArray(name).add(random.nextLong()).add(randomObject(random, depth - 1));
            }
        }
        return out;
    }

    /**
     * The SDK's filter parser never closes the JSON parser it reads a comparison value with, so the
     * recycler that parser takes is never returned: parsing filters must not take recyclers from
     * the pool the server's own mappers share (it did, and every lookup's answer then allocated
     * fresh buffers). Fails with the SDK's factory on the shared pool.
     */
    @Test
    void parsing_filters_takes_nothing_from_the_shared_pool() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper scim = dev.lanyard.scim.ScimJson.MAPPER;
        scim.writeValueAsBytes(java.util.Map.of("warm", "up"));  // leaves a recycler in the shared pool
        int before = JsonBuffers.POOL.pooledCount();
        assertThat(before).isPositive();
        for (int i = 0; i < 20; i++) {
            dev.lanyard.scim.ScimFilters.parse("userName eq \"user" + i + "@example.com\" and active eq true");
        }
        assertThat(JsonBuffers.POOL.pooledCount()).isEqualTo(before);
    }
}
