package io.hookrelay.source;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** One installed watch: the trigger on {@code table} that writes the events of source {@code sourceId}. */
record TableWatch(UUID sourceId, UUID tenantId, TableName table, List<String> operations, String eventTypePrefix) {

    private static final String TRIGGER_PREFIX = "hookrelay_watch_";

    static TableWatch of(UUID sourceId, UUID tenantId, TableWatchSpec spec) {
        return new TableWatch(sourceId, tenantId, spec.table(), spec.operations(), spec.eventTypePrefix());
    }

    /** 48 characters, inside PostgreSQL's 63; derived from the id so the trigger can always be found again. */
    static String triggerName(UUID sourceId) {
        return TRIGGER_PREFIX + sourceId.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }

    String triggerName() {
        return triggerName(sourceId);
    }
}
