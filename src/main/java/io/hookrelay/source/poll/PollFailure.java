package io.hookrelay.source.poll;

/**
 * Why a poll failed, in words fit for the source's {@code last_error}: short, one line, and safe to
 * show to the tenant. Parts of the message may come from the polled server, hence the clean-up.
 */
final class PollFailure extends Exception {

    private static final long serialVersionUID = 1L;
    static final int MAX_LENGTH = 300;

    PollFailure(String message) {
        // An expected outcome of talking to someone else's server, not a fault: no stack trace.
        super(clean(message), null, false, false);
    }

    private static String clean(String message) {
        String oneLine = message == null ? "unknown error" : message.replaceAll("\\p{Cntrl}+", " ").strip();
        return oneLine.length() > MAX_LENGTH ? oneLine.substring(0, MAX_LENGTH - 3) + "..." : oneLine;
    }
}
