package io.hookrelay.dashboard;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A WHERE clause built from the filters actually given, with numbered parameters. Only present filters
 * become conditions, so the planner sees plain equalities and picks the index that matches them (a
 * generic {@code ($1 IS NULL OR col = $1)} plan could not).
 */
final class SqlWhere {

    private final List<String> conditions = new ArrayList<>();
    private final Tuple args = Tuple.tuple();

    /** Adds a condition whose {@code ?} is replaced by the next parameter number. */
    SqlWhere and(String condition, Object value) {
        args.addValue(value);
        conditions.add(condition.replace("?", "$" + args.size()));
        return this;
    }

    SqlWhere and(String condition) {
        conditions.add(condition);
        return this;
    }

    /** Appends a value that the statement uses outside the WHERE clause; answers its placeholder. */
    String parameter(Object value) {
        args.addValue(value);
        return "$" + args.size();
    }

    String sql() {
        return conditions.isEmpty() ? "true" : String.join(" AND ", conditions);
    }

    Tuple args() {
        return args;
    }
}
