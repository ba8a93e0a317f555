package io.hookrelay.dashboard;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Attempt latency percentiles as the statistics queries select them ({@code p50}, {@code p95}, {@code p99}). */
final class Percentiles {

    /** Continuous percentiles (interpolated), the usual reading of "p95 latency". */
    static final String SELECT = """
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99""";

    private Percentiles() {
    }

    static JsonObject from(Row row) {
        return new JsonObject().put("p50", rounded(row.getDouble("p50")))
                .put("p95", rounded(row.getDouble("p95")))
                .put("p99", rounded(row.getDouble("p99")));
    }

    /** Tenths of a millisecond are as precise as a duration measured in whole milliseconds deserves. */
    static Double rounded(Double value) {
        return value == null ? null : Math.round(value * 10) / 10.0;
    }

    static Double rate(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
