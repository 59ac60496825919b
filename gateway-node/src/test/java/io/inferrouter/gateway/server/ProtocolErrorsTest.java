package io.inferrouter.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.DirectHandler.TransportRequest;
import io.helidon.http.DirectHandler.TransportResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.serde.Json;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProtocolErrorsTest {

    private final AtomicInteger headersTooLarge = new AtomicInteger();
    private final ProtocolErrors errors = new ProtocolErrors(16_384, new GatewayMetrics() {
        @Override
        public void headerTooLarge() {
            headersTooLarge.incrementAndGet();
        }
    });

    @Test
    void helidonsHeaderSizeBadRequestBecomes431WithTheLimitInTheMessage() throws Exception {
        TransportResponse r = handle(EventType.BAD_REQUEST, Status.BAD_REQUEST_400, "Header size exceeded");
        assertThat(r.status().code()).isEqualTo(431);
        assertThat(r.headers().first(HeaderNames.CONTENT_TYPE)).contains("application/json");
        JsonNode error = error(r);
        assertThat(error.get("code").asText()).isEqualTo("headers_too_large");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("16384").contains("http.max-header-bytes");
        assertThat(headersTooLarge).hasValue(1);
    }

    @Test
    void otherBadRequestsStay400WithHelidonsReasonAsJson() throws Exception {
        TransportResponse r = handle(EventType.BAD_REQUEST, Status.BAD_REQUEST_400, "Invalid header, missing colon");
        assertThat(r.status().code()).isEqualTo(400);
        assertThat(error(r).get("message").asText()).isEqualTo("Invalid header, missing colon");
        assertThat(error(r).get("code").asText()).isEqualTo("invalid_request");
        assertThat(headersTooLarge).hasValue(0);
    }

    @Test
    void aTooLongRequestLineKeepsItsStatus() throws Exception {
        TransportResponse r = handle(EventType.BAD_REQUEST, Status.REQUEST_URI_TOO_LONG_414, "Request URI too long.");
        assertThat(r.status().code()).isEqualTo(414);
        assertThat(error(r).get("code").asText()).isEqualTo("414");
    }

    @Test
    void internalErrorsDoNotShowTheExceptionsMessage() throws Exception {
        TransportResponse r = handle(EventType.INTERNAL_ERROR, Status.INTERNAL_SERVER_ERROR_500,
                "java.lang.NullPointerException: secret detail");
        assertThat(r.status().code()).isEqualTo(500);
        assertThat(error(r).get("message").asText()).doesNotContain("secret");
        assertThat(error(r).get("type").asText()).isEqualTo("internal_error");
    }

    @Test
    void aMissingReasonFallsBackToTheStatusText() throws Exception {
        TransportResponse r = handle(EventType.OTHER, Status.NOT_FOUND_404, null);
        assertThat(r.status().code()).isEqualTo(404);
        assertThat(error(r).get("message").asText()).isEqualTo("Not Found");
    }

    private TransportResponse handle(EventType type, Status status, String message) {
        return errors.handle(TransportRequest.empty(), type, status, ServerResponseHeaders.create(), message);
    }

    private static JsonNode error(TransportResponse r) throws Exception {
        return Json.mapper().readTree(r.entity().orElseThrow()).get("error");
    }
}
