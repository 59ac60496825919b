package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.Endpoints;

final class Contexts {

    private Contexts() {
    }

    static SchedulingContext of(String model, Endpoint... endpoints) {
        return new SchedulingContext(new SchedulingRequest(model, "", false, false), Endpoints.pool(endpoints), 1_000);
    }
}
