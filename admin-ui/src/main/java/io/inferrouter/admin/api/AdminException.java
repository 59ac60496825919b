package io.inferrouter.admin.api;

/**
 * A request the admin API cannot serve, with the status, an error type and a message an operator
 * can act on. The HTTP layer turns it into {@code {"error": {"message", "type", "code"}}} in one place.
 */
public final class AdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    public AdminException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public AdminException(int status, String type, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
    }

    public static AdminException badRequest(String message) {
        return new AdminException(400, "invalid_request_error", message);
    }

    public static AdminException notFound(String message) {
        return new AdminException(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
