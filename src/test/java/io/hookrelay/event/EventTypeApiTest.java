package io.hookrelay.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.Application;
import io.hookrelay.support.Api;
import io.hookrelay.support.ProblemAssertions;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventTypeApiTest {

    static Application app;

    @BeforeAll
    static void start() {
        app = TestService.strict();
    }

    static JsonObject amountSchema() {
        return new JsonObject().put("type", "object").put("required", new JsonArray().add("amount"))
                .put("properties", new JsonObject()
                        .put("amount", new JsonObject().put("type", "number").put("minimum", 0))
                        .put("currency", new JsonObject().put("type", "string").put("pattern", "^[A-Z]{3}$")));
    }

    @Test
    @DisplayName("an event whose data breaks its type's schema answers 422 naming the failing path, and is not stored")
    void schemaRejects() {
        Tenants tenant = Tenants.create(app, "schemas");
        Api.Response created = tenant.api().post("/v1/event-types", new JsonObject().put("name", "invoice.paid")
                .put("description", "An invoice was paid").put("schema", amountSchema()));
        assertEquals(201, created.status(), created::toString);
        assertEquals(amountSchema(), created.json().getJsonObject("schema"));

        Api.Response wrongType = tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.paid")
                .put("data", new JsonObject().put("amount", "ten")));
        ProblemAssertions.assertProblem(wrongType, 422);
        assertTrue(wrongType.json().getString("detail").startsWith("data/amount:"), wrongType::toString);
        Api.Response badCurrency = tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.paid")
                .put("data", new JsonObject().put("amount", 1).put("currency", "euro")));
        assertTrue(badCurrency.json().getString("detail").startsWith("data/currency:"), badCurrency::toString);
        ProblemAssertions.assertProblem(tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.paid")
                .put("data", new JsonObject())), 422);
        assertEquals(0, tenant.api().get("/v1/events").json().getJsonArray("data").size());

        assertEquals(202, tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.paid")
                .put("data", new JsonObject().put("amount", 10).put("currency", "EUR"))).status());
        assertEquals(202, tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.unknown")
                .put("data", "types outside the catalogue are not checked")).status());

        Api.Response relaxed = tenant.api().patch("/v1/event-types/invoice.paid", new JsonObject().putNull("schema"));
        assertEquals(200, relaxed.status(), relaxed::toString);
        assertNull(relaxed.json().getJsonObject("schema"));
        assertEquals(202, tenant.api().post("/v1/events", new JsonObject().put("type", "invoice.paid")
                .put("data", new JsonObject().put("amount", "ten"))).status(), "a removed schema stops checking at once");
    }

    @Test
    @DisplayName("the catalogue is per tenant, pages by name, refuses duplicates and unusable schemas")
    void catalogue() {
        Tenants tenant = Tenants.create(app, "catalogue");
        Tenants other = Tenants.create(app, "catalogue-other");
        for (String name : List.of("c.three", "a.one", "b.two")) {
            assertEquals(201, tenant.api().post("/v1/event-types", new JsonObject().put("name", name)).status());
        }
        ProblemAssertions.assertProblem(tenant.api().post("/v1/event-types", new JsonObject().put("name", "a.one")), 409);
        ProblemAssertions.assertProblem(tenant.api().post("/v1/event-types", new JsonObject().put("name", "x.y")
                .put("schema", new JsonObject().put("type", 12))), 422);
        ProblemAssertions.assertProblem(tenant.api().post("/v1/event-types", new JsonObject().put("name", "x y")), 400);

        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = tenant.api().get("/v1/event-types?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.getJsonArray("data").forEach(t -> names.add(((JsonObject) t).getString("name")));
            cursor = page.getString("next_cursor");
        } while (cursor != null);
        assertEquals(List.of("a.one", "b.two", "c.three"), names);

        assertEquals(404, other.api().get("/v1/event-types/a.one").status());
        assertEquals(404, other.api().delete("/v1/event-types/a.one").status());
        assertEquals(200, tenant.api().get("/v1/event-types/a.one").status());
        assertEquals(204, tenant.api().delete("/v1/event-types/a.one").status());
        assertEquals(404, tenant.api().get("/v1/event-types/a.one").status());
        ProblemAssertions.assertProblem(tenant.api().get("/v1/event-types?cursor=%00%00"), 400);
    }
}
