package io.inferrouter.schemas.peers;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * What one gateway replica learnt since its last report, for the other replicas: the prompts it
 * served (the approximate prefix scorer's block hashes, per pool and endpoint) and its in-flight
 * requests per endpoint. Topic {@code gateway.peers}, key the replica's node id. A replica writes
 * one at most every {@code peers.publish-interval} while it learns, and at least every third of
 * {@code peers.timeout} while idle (a heartbeat); a replica not heard from for {@code peers.timeout}
 * drops out of the others' load sums. A replica starting reads the recent past of the topic to
 * rebuild its prefix index before it is ready.
 *
 * @param replica     the writer's node id, also the key
 * @param incarnation a random id of the writer's process: a restarted replica keeps its node id and gets
 *                    a new incarnation, so it can tell its own earlier reports from its echo
 * @param seq         the report's number within its incarnation, from 0
 * @param inFlight    every endpoint the writer has requests in flight to, with their count; an endpoint
 *                    absent has none (the list is whole, so a lost report is healed by the next)
 * @param served      the prompts served since the writer's previous report, oldest first
 * @param observedAtMs when the report was written
 * @param source      {@code gateway:<node id>}
 */
public record PeerReport(String replica, String incarnation, long seq, List<InFlight> inFlight,
                         List<Served> served, long observedAtMs, String source) {

    public PeerReport {
        Checks.required(replica, "replica");
        Checks.required(incarnation, "incarnation");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, was " + seq);
        }
        inFlight = Checks.list(inFlight);
        served = Checks.list(served);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /**
     * Requests in flight from the writer to one endpoint.
     *
     * @param requests at least 1 (endpoints with none are left out)
     */
    public record InFlight(EndpointId endpoint, int requests) {
        public InFlight {
            Objects.requireNonNull(endpoint, "inFlight[].endpoint is required");
            if (requests < 1) {
                throw new IllegalArgumentException("inFlight[].requests must be >= 1, was " + requests);
            }
        }
    }

    /**
     * One prompt the writer sent to an endpoint that answered it: the prompt's leading blocks as the
     * approximate prefix scorer hashed them (chained 64-bit hashes, the model name at the root), so a
     * reader's index learns what the writer's learnt.
     *
     * @param blocks     the hashes, 8 bytes each big-endian, in base64 (JSON numbers lose 64-bit precision)
     * @param servedAtMs when the endpoint answered (the writer's clock)
     */
    public record Served(ResourceKey pool, EndpointId endpoint, String blocks, long servedAtMs) {
        public Served {
            Objects.requireNonNull(pool, "served[].pool is required");
            Objects.requireNonNull(endpoint, "served[].endpoint is required");
            Checks.required(blocks, "served[].blocks");
            decode(blocks);
        }

        public static Served of(ResourceKey pool, EndpointId endpoint, long[] blocks, long servedAtMs) {
            return new Served(pool, endpoint, encode(blocks), servedAtMs);
        }

        /** The block hashes. */
        public long[] blockHashes() {
            return decode(blocks);
        }

        static String encode(long[] blocks) {
            ByteBuffer b = ByteBuffer.allocate(blocks.length * Long.BYTES);
            for (long h : blocks) {
                b.putLong(h);
            }
            return Base64.getEncoder().encodeToString(b.array());
        }

        static long[] decode(String text) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("served[].blocks is not base64: " + e.getMessage());
            }
            if (bytes.length == 0 || bytes.length % Long.BYTES != 0) {
                throw new IllegalArgumentException("served[].blocks must hold a whole number of 8-byte hashes (at "
                        + "least one), held " + bytes.length + " bytes");
            }
            long[] out = new long[bytes.length / Long.BYTES];
            ByteBuffer.wrap(bytes).asLongBuffer().get(out);
            return out;
        }
    }
}
