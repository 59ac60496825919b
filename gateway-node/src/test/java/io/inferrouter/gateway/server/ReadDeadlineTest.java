package io.inferrouter.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadDeadlineTest {

    private static final long SECOND = 1_000_000_000L;

    /** Each cut, true when the connection was only idle between requests. */
    private final List<Boolean> cuts = new CopyOnWriteArrayList<>();
    private final AtomicBoolean readingRequestLine = new AtomicBoolean();
    private final ReadDeadline deadline = new ReadDeadline(Duration.ofSeconds(10), cuts::add);

    ReadDeadlineTest() {
        deadline.readingRequestLine(readingRequestLine::get);
    }

    @Test
    void aConnectionThatSendsNothingIsCutAfterTheTimeout() {
        deadline.readStarting(0);
        assertThat(deadline.cutIfExpired(10 * SECOND - 1)).isFalse();
        assertThat(deadline.cutIfExpired(10 * SECOND)).isTrue();
        assertThat(deadline.expired()).isTrue();
        assertThat(cuts).as("a slow client, not an idle one").containsExactly(false);
    }

    @Test
    void aConnectionIsCutOnlyOnce() {
        deadline.readStarting(0);
        assertThat(deadline.cutIfExpired(11 * SECOND)).isTrue();
        assertThat(deadline.cutIfExpired(12 * SECOND)).isFalse();
        assertThat(cuts).hasSize(1);
    }

    @Test
    void aHeadTrickledByteByByteHasOneBudgetFromItsFirstByte() {
        deadline.readStarting(0);
        deadline.readDone(5 * SECOND, true);
        for (long t = 6; t < 15; t++) {
            deadline.readStarting(t * SECOND);
            deadline.readDone(t * SECOND, true);
        }
        deadline.readStarting(14 * SECOND + SECOND / 2);
        assertThat(deadline.cutIfExpired(15 * SECOND - 1)).isFalse();
        assertThat(deadline.cutIfExpired(15 * SECOND)).as("5 s (first byte) + 10 s").isTrue();
    }

    @Test
    void eachBodyReadGetsTheWholeTimeout() {
        deadline.readStarting(0);
        deadline.readDone(SECOND, true);
        deadline.headRead();
        for (long t = 2; t < 50; t += 9) {
            deadline.readStarting(t * SECOND);
            assertThat(deadline.cutIfExpired((t + 9) * SECOND)).isFalse();
            deadline.readDone((t + 9) * SECOND, true);
        }
        deadline.readStarting(60 * SECOND);
        assertThat(deadline.cutIfExpired(70 * SECOND)).isTrue();
    }

    @Test
    void nothingIsCutWhileNoReadIsPendingSoALongResponseIsNot() {
        deadline.readStarting(0);
        deadline.readDone(SECOND, true);
        deadline.headRead();
        // The handler works and streams its answer for an hour: the gateway does not read.
        assertThat(deadline.cutIfExpired(3600 * SECOND)).isFalse();
        assertThat(cuts).isEmpty();
    }

    @Test
    void theNextRequestLineStartsAFreshHeadBudget() {
        deadline.readStarting(0);
        deadline.readDone(SECOND, true);
        deadline.headRead();
        // Helidon waits for the next request line: this read is a head read again, idle wait included.
        readingRequestLine.set(true);
        deadline.readStarting(100 * SECOND);
        deadline.readDone(105 * SECOND, true);
        readingRequestLine.set(false);
        deadline.readStarting(106 * SECOND);
        assertThat(deadline.cutIfExpired(115 * SECOND - 1)).isFalse();
        assertThat(deadline.cutIfExpired(115 * SECOND)).as("105 s (first byte of the head) + 10 s").isTrue();
        assertThat(cuts).containsExactly(false);
    }

    @Test
    void aKeepAliveConnectionIdleAfterARequestIsClosedAsIdleNotSlow() {
        deadline.readStarting(0);
        deadline.readDone(SECOND, true);
        deadline.headRead();
        readingRequestLine.set(true);
        deadline.readStarting(2 * SECOND);
        assertThat(deadline.cutIfExpired(12 * SECOND)).isTrue();
        assertThat(cuts).containsExactly(true);
    }
}
