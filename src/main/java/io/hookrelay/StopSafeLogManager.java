package io.hookrelay;

import java.util.logging.LogManager;

/**
 * java.util.logging's LogManager closes every handler from a JVM shutdown hook of its own, which runs at
 * the same time as {@link Main}'s: a SIGTERM's stop then logged nothing at all. Installed by Main as the
 * JVM's LogManager, this one leaves the handlers open while Main holds them, and closes them once the
 * stop has been logged.
 */
public final class StopSafeLogManager extends LogManager {

    private boolean held;
    private boolean resetWhenReleased;

    /** From now on a reset (the JVM's shutdown) waits for {@link #release}. */
    synchronized void hold() {
        held = true;
    }

    /** Ends the hold, doing the reset it deferred (closing and flushing the handlers). */
    void release() {
        boolean reset;
        synchronized (this) {
            held = false;
            reset = resetWhenReleased;
        }
        if (reset) {
            super.reset();
        }
    }

    @Override
    public void reset() {
        synchronized (this) {
            if (held) {
                resetWhenReleased = true;
                return;
            }
        }
        super.reset();
    }
}
