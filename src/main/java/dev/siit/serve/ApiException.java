package dev.siit.serve;

/**
 * A request the server refuses: the HTTP status, the field at fault (a JSON path such as
 * {@code history[2]}, a query parameter, {@code body}, or a header name) and one sentence. The
 * server turns it into {@code {"error": message, "field": field}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String field;

    public ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
