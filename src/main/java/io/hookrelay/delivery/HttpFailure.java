package io.hookrelay.delivery;

/**
 * A send problem already worded for the delivery log ("DNS: no such host x"). Carries no stack
 * trace: it is an expected outcome, reported in a {@link SendResult}, never thrown to callers.
 */
final class HttpFailure extends RuntimeException {

    HttpFailure(String message) {
        super(message, null, false, false);
    }
}
