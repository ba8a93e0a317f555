package io.hookrelay.stream;

import io.hookrelay.http.ApiException;
import io.hookrelay.subscription.EventTypeFilter;
import java.util.ArrayList;
import java.util.List;

/** The {@code types} of a stream: comma-separated, with the wildcards subscriptions use. */
record TypeFilter(List<String> patterns) {

    static final TypeFilter ALL = new TypeFilter(List.of());
    private static final int MAX_PATTERNS = 50;
    private static final int MAX_LENGTH = 128;

    static TypeFilter parse(String raw, String name) {
        if (raw == null) {
            return ALL;
        }
        List<String> patterns = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String pattern = part.trim();
            if (pattern.isEmpty() || pattern.length() > MAX_LENGTH || pattern.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw ApiException.badRequest(name + ": a comma-separated list of event types (each 1 to " + MAX_LENGTH
                        + " printable characters), such as order.created,invoice.*");
            }
            patterns.add(pattern);
        }
        if (patterns.size() > MAX_PATTERNS) {
            throw ApiException.badRequest(name + ": at most " + MAX_PATTERNS + " event types");
        }
        return new TypeFilter(List.copyOf(patterns));
    }

    boolean matches(FeedEvent event) {
        return EventTypeFilter.matches(patterns, event.event().type());
    }
}
