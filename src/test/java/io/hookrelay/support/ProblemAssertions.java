package io.hookrelay.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;

/** Every error a caller can cause must be an RFC 7807 problem with these members. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    public static void assertProblem(Api.Response answer, int status) {
        assertEquals(status, answer.status(), answer::toString);
        assertEquals("application/problem+json", answer.header("content-type"), answer::toString);
        JsonObject problem = answer.json();
        assertTrue(problem.getString("type").startsWith("https://"), answer::toString);
        assertNotNull(problem.getString("title"));
        assertEquals(status, problem.getInteger("status"));
        assertNotNull(problem.getString("detail"));
        assertEquals(answer.header("x-trace-id"), problem.getString("trace_id"));
    }
}
