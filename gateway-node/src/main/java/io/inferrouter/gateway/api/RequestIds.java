package io.inferrouter.gateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for requests that bring none: version 7 UUIDs (RFC 9562), whose first 48 bits are the
 * time in epoch ms and the rest random, drawn from the calling thread's {@link ThreadLocalRandom}
 * ({@link UUID#randomUUID()} draws from one shared SecureRandom, which serializes every request on
 * its lock; ids need to be unique, not unpredictable). The time in the id lets admin-ui find a
 * decision in the topic by its id alone: it starts reading the id's partition near that time.
 */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        return next(System.currentTimeMillis());
    }

    static String next(long epochMs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (epochMs << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** The epoch ms a version 7 UUID names, or -1 when {@code id} is not one (a client's own id). */
    public static long timeOf(String id) {
        if (id == null || id.length() != 36 || id.charAt(14) != '7') {
            return -1;
        }
        try {
            return UUID.fromString(id).getMostSignificantBits() >>> 16;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
