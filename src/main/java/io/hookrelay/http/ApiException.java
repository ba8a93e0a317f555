package io.hookrelay.http;

/**
 * An error the caller caused (or may retry), answered as an RFC 7807 problem. The slug becomes the
 * problem {@code type}; the detail says exactly what to change.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final Integer index;

    public ApiException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    private ApiException(int status, String slug, String title, String detail, Integer index) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.index = index;
    }

    /** The same problem, naming the item of a batch it concerns (the problem's {@code index} member). */
    public ApiException about(int item) {
        return new ApiException(status, slug, title, getMessage(), item);
    }

    /** The batch item the problem concerns, or null. */
    public Integer index() {
        return index;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "invalid-request", "The request is not valid", detail);
    }

    public static ApiException validation(String detail) {
        return new ApiException(400, "validation-failed", "The request does not match the API contract", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Authentication required", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Not allowed", detail);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "not-found", "Not found", "no " + what + " with id " + Problems.clip(id, 80));
    }

    public static ApiException conflict(String slug, String detail) {
        return new ApiException(409, slug, "Conflict", detail);
    }

    public static ApiException unprocessable(String slug, String detail) {
        return new ApiException(422, slug, "The request cannot be carried out", detail);
    }

    public static ApiException payloadTooLarge(long limit) {
        return new ApiException(413, "payload-too-large", "Payload too large",
                "the request body is larger than the limit of " + limit + " bytes");
    }
}
