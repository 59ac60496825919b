package io.inferrouter.admin.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.support.ErrorBody;

/** The one place admin API errors become JSON: {@code {"error": {"message", "type", "code"}}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static void send(ServerResponse res, AdminException e) {
        ErrorBody.send(res, e.status(), e.getMessage(), e.type(), Integer.toString(e.status()));
    }

    public static void sendJson(ServerResponse res, int status, Object value) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(Json.mapper().writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
