package io.hookrelay.http;

/**
 * A request body that breaks the contract, with the JSON pointer of the value at fault; the route that read
 * the body decides how to word it (a batch names the event by its index).
 */
public final class BodyException extends RuntimeException {

    private final String pointer;
    private final String rule;

    public BodyException(String pointer, String rule) {
        super("body " + (pointer.isEmpty() ? "" : pointer + ": ") + rule, null, false, false);
        this.pointer = pointer;
        this.rule = rule;
    }

    public String pointer() {
        return pointer;
    }

    public String rule() {
        return rule;
    }

    public ApiException toProblem() {
        return ApiException.validation(Problems.clip(getMessage(), 500));
    }
}
