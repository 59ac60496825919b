package io.inferrouter.gateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for requests that bring none: random (version 4) UUIDs drawn from the calling thread's
 * {@link ThreadLocalRandom}. {@link UUID#randomUUID()} draws from one shared SecureRandom, which
 * serializes every request on its lock; ids need to be unique, not unpredictable.
 */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
