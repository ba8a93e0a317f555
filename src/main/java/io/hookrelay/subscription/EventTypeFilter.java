package io.hookrelay.subscription;

import java.util.List;

/**
 * Which event types a subscription receives: none listed means all; {@code order.*} matches
 * {@code order.created} and {@code order.item.added} but not {@code order} itself; {@code *} matches all.
 */
public final class EventTypeFilter {

    private EventTypeFilter() {
    }

    public static boolean matches(List<String> filters, String eventType) {
        if (filters.isEmpty()) {
            return true;
        }
        for (String filter : filters) {
            if (filter.equals("*") || filter.equals(eventType)) {
                return true;
            }
            if (filter.endsWith(".*")) {
                String prefix = filter.substring(0, filter.length() - 1);
                if (eventType.startsWith(prefix) && eventType.length() > prefix.length()) {
                    return true;
                }
            }
        }
        return false;
    }
}
