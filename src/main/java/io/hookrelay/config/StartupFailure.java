package io.hookrelay.config;

/**
 * Something the operator must put right before the service can start: a setting, a data directory in use,
 * a disk that is full. {@code Main} prints the message, which says what to do, and exits with status 2; no
 * stack trace, because nothing in the code is wrong.
 */
public class StartupFailure extends RuntimeException {
    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
