package io.inferrouter.gateway.api;

import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.support.ErrorBody;

/** The one place gateway errors become OpenAI-shaped JSON: {@code {"error": {"message", "type", "code"}}}. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static byte[] body(GatewayException e) {
        return body(e.getMessage(), e.type(), e.code());
    }

    public static byte[] body(String message, String type, String code) {
        return ErrorBody.json(message, type, code);
    }

    public static void send(ServerResponse res, GatewayException e) {
        ErrorBody.send(res, e.status(), e.getMessage(), e.type(), e.code());
    }
}
