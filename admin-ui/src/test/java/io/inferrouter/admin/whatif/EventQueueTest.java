package io.inferrouter.admin.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private final EventQueue queue = new EventQueue();

    @Test
    void eventsComeInTimeOrderAndMoveTheClock() {
        queue.schedule(30, new Event.Arrival(3));
        queue.schedule(10, new Event.Arrival(1));
        queue.schedule(20, new Event.Arrival(2));

        assertThat(drain()).containsExactly(new Event.Arrival(1), new Event.Arrival(2), new Event.Arrival(3));
        assertThat(queue.now()).isEqualTo(30);
    }

    @Test
    void atOneInstantStepEndsAndVisibilityComeBeforeArrivalsAndStepStartsLast() {
        queue.schedule(5, new Event.StepStart(0, 1));
        queue.schedule(5, new Event.Submit(1, new int[0], null));
        queue.schedule(5, new Event.Arrival(1));
        queue.schedule(5, new Event.WarmUpEnd());
        queue.schedule(5, new Event.Scrape(0));
        queue.schedule(5, new Event.MetricsVisible(0, null));
        queue.schedule(5, new Event.StepEnd(0, null));

        assertThat(drain()).extracting(e -> e.getClass().getSimpleName()).containsExactly("StepEnd",
                "MetricsVisible", "Scrape", "WarmUpEnd", "Arrival", "Submit", "StepStart");
    }

    @Test
    void eventsOfOneInstantAndOneKindKeepTheOrderTheyWereScheduledIn() {
        for (int i = 0; i < 20; i++) {
            queue.schedule(7, new Event.Scrape(i));
        }

        assertThat(drain()).extracting(e -> ((Event.Scrape) e).pod())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
    }

    @Test
    void anEventCannotBeScheduledBeforeTheClock() {
        queue.schedule(100, new Event.Arrival(0));
        queue.next();

        assertThatThrownBy(() -> queue.schedule(99, new Event.Arrival(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the clock");
        queue.schedule(100, new Event.Arrival(1));
        assertThat(queue.next().event()).isEqualTo(new Event.Arrival(1));
    }

    private List<Event> drain() {
        List<Event> out = new ArrayList<>();
        for (EventQueue.Timed t; (t = queue.next()) != null; ) {
            out.add(t.event());
        }
        return out;
    }
}
