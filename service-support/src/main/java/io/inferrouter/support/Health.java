package io.inferrouter.support;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** The {@code /health} and {@code /ready} answers every service gives: 200 UP or 503 DOWN, as JSON. */
public final class Health {

    private Health() {
    }

    public static void send(ServerResponse res, boolean ok) {
        res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(ok ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }
}
