package io.inferrouter.gateway.api;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.support.ErrorBody;

/**
 * The one place gateway errors become HTTP answers: the exception's status and an OpenAI-shaped body,
 * {@code {"error": {"message", "type", "code"}}}. Registered on the routing as the error handler of
 * {@link GatewayException} ({@code routing.error(GatewayException.class, ErrorResponses::send)}), so
 * handlers just throw. Headers set before the error (the request id) stay.
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static void send(ServerRequest req, ServerResponse res, GatewayException e) {
        ErrorBody.send(res, e.status(), e.getMessage(), e.type(), e.code());
    }
}
