package io.hookrelay.stream;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * New events of one tenant (or of all, for admin streams) from one feed read, as handed to every
 * client that may see them. Their SSE frames are joined once, on first use, and the same buffer is
 * written to every unfiltered stream: with many clients the copying would otherwise dominate.
 * Used on one event loop only.
 */
final class EventBatch {

    private final List<FeedEvent> events;
    private Buffer frames;

    EventBatch(List<FeedEvent> events) {
        this.events = events;
    }

    List<FeedEvent> events() {
        return events;
    }

    StreamPosition first() {
        return events.get(0).position();
    }

    StreamPosition last() {
        return events.get(events.size() - 1).position();
    }

    /** Vert.x writes a slice of the buffer, so one buffer can go to many responses. */
    Buffer frames() {
        if (frames == null) {
            frames = Buffer.buffer();
            events.forEach(event -> frames.appendBuffer(event.frame()));
        }
        return frames;
    }
}
