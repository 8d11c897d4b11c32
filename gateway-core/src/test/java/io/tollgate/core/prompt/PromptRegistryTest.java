package io.tollgate.core.prompt;

import static io.tollgate.core.prompt.PromptTestSupport.SUPPORT_BOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptRegistryTest {

    @TempDir Path tmp;

    private static int servedVersion(GatewayFilter filter, String label, String user) throws Exception {
        var ex = TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
                "{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"label\":\"" + label + "\",\"variables\":{\"company\":\"A\"}}}")),
                MutableHeaders.of(), new FakeTicker());
        ex.record().user(user);
        FilterDecision d = TestExchange.decide(filter, ex);
        assertThat(d).isInstanceOf(FilterDecision.Proceed.class);
        return ex.record().promptVersion();
    }

    private static String renderedV2(GatewayFilter filter) throws Exception {
        var ex = TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
                "{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"version\":2,\"variables\":{\"company\":\"A\"}}}")),
                MutableHeaders.of(), new FakeTicker());
        TestExchange.decide(filter, ex);
        return ex.request().json().at("/messages/0/content").asText();
    }

    @Test
    void changingAnExistingVersionIsRejectedAtReloadAndTheOldPromptsKeepServing() throws Exception {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        GatewayConfig config = PromptTestSupport.config(dir, tmp.resolve("labels.json"));
        try (DefaultFilterServices services = TestFilterServices.create()) {
            new PromptFilterFactory().create(config, services);

            PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT.replace("You help customers of", "You serve customers of")
                    + "  4: { model: chat, messages: [ { role: system, content: \"v4 {{company}}\" } ] }\n");
            GatewayFilter reloaded = new PromptFilterFactory().create(config, services);

            assertThat(renderedV2(reloaded)).isEqualTo("You help customers of A.");
            JsonNode list = PromptTestSupport.json(PromptTestSupport.admin(services, "GET", "/admin/prompts", ""));
            assertThat(list.get("reload_error").asText()).contains("support-bot.yaml").contains("versions.2").contains("immutable");
            assertThat(list.at("/prompts/0/versions")).hasSize(3);

            // adding a version and moving a label is fine
            PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT.replace("staging: 3", "staging: 4")
                    + "  4: { model: chat, messages: [ { role: system, content: \"v4 {{company}}\" } ] }\n");
            GatewayFilter ok = new PromptFilterFactory().create(config, services);
            assertThat(servedVersion(ok, "staging", "u")).isEqualTo(4);
            assertThat(PromptTestSupport.json(PromptTestSupport.admin(services, "GET", "/admin/prompts", "")).has("reload_error")).isFalse();
        }
    }

    @Test
    void anInvalidFileFailsTheFirstLoadWithFilePathAndLine() {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", """
                id: support-bot
                labels: { production: 2 }
                versions:
                  2:
                    model: chat
                    messages:
                      - { role: sytem, content: "x" }
                """);
        try (DefaultFilterServices services = TestFilterServices.create()) {
            assertThatThrownBy(() -> new PromptFilterFactory().create(PromptTestSupport.config(dir, tmp.resolve("l.json")), services))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("support-bot.yaml: versions.2.messages[0].role (line 7)")
                    .hasMessageContaining("sytem");
        }
    }

    @Test
    void parserNamesUnknownKeysAndDanglingLabels() {
        Path dir = tmp.resolve("p");
        PromptTestSupport.write(dir, "a", "id: a\nlabels: { prod: 5 }\nversions:\n  1: { messages: [ { role: user, content: hi } ] }\n");
        assertThatThrownBy(() -> PromptRegistry.load(dir)).hasMessageContaining("a.yaml: labels.prod (line 2)").hasMessageContaining("no version 5");
        PromptTestSupport.write(dir, "a", "id: a\nversion:\n  1: {}\n");
        assertThatThrownBy(() -> PromptRegistry.load(dir)).hasMessageContaining("a.yaml: version (line 2)").hasMessageContaining("unknown key");
    }

    @Test
    void hashIgnoresFormattingButNotContent() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        PromptTestSupport.write(a, "x", "id: x\nversions:\n  1: { model: chat, params: { temperature: 0.1, top_p: 1 }, messages: [ { role: system, content: hi } ] }\n");
        PromptTestSupport.write(b, "x", "id: x\nversions:\n  1:\n    messages:\n      - content: hi\n        role: system\n    params: { top_p: 1, temperature: 0.1 }\n    model: chat\n");
        String ha = PromptRegistry.load(a).get("x").versions().get(1).hash();
        assertThat(PromptRegistry.load(b).get("x").versions().get(1).hash()).isEqualTo(ha);
        PromptTestSupport.write(b, "x", "id: x\nversions:\n  1: { model: chat, params: { temperature: 0.2, top_p: 1 }, messages: [ { role: system, content: hi } ] }\n");
        assertThat(PromptRegistry.load(b).get("x").versions().get(1).hash()).isNotEqualTo(ha);
    }

    @Test
    void labelMoveAndRollbackThroughAdminSurviveARestart() throws Exception {
        Path dir = tmp.resolve("prompts");
        Path labels = tmp.resolve("data/prompt-labels.json");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        GatewayConfig config = PromptTestSupport.config(dir, labels);

        try (DefaultFilterServices services = TestFilterServices.create()) {
            GatewayFilter filter = new PromptFilterFactory().create(config, services);
            AdminResponse moved = PromptTestSupport.admin(services, "PUT", "/admin/prompts/support-bot/labels/production", "{\"version\":3}");
            assertThat(moved.status()).isEqualTo(200);
            assertThat(PromptTestSupport.json(moved).get("from").asInt()).isEqualTo(2);
            assertThat(PromptTestSupport.json(moved).get("to").asInt()).isEqualTo(3);
            // the override beats the file and turns the split off: every user gets 3
            for (int i = 0; i < 50; i++) {
                assertThat(servedVersion(filter, "production", "user-" + i)).isEqualTo(3);
            }
            assertThat(PromptTestSupport.admin(services, "PUT", "/admin/prompts/support-bot/labels/production", "{\"version\":7}").status()).isEqualTo(400);
            assertThat(PromptTestSupport.admin(services, "PUT", "/admin/prompts/nope/labels/production", "{\"version\":1}").status()).isEqualTo(400);
        }
        assertThat(Files.exists(labels)).isFalse();   // kept in the ledger database, not a file

        try (DefaultFilterServices restarted = TestFilterServices.create()) {
            GatewayFilter filter = new PromptFilterFactory().create(config, restarted);
            assertThat(servedVersion(filter, "production", "someone")).isEqualTo(3);
            JsonNode detail = PromptTestSupport.json(PromptTestSupport.admin(restarted, "GET", "/admin/prompts/support-bot", ""));
            assertThat(detail.at("/labels/production/file").asInt()).isEqualTo(2);
            assertThat(detail.at("/labels/production/override").asInt()).isEqualTo(3);
            assertThat(detail.at("/labels/production/effective").asInt()).isEqualTo(3);
            assertThat(detail.at("/audit/0/who").asText()).isEqualTo("alice");

            // roll back: point the label at 1, then clear the override (back to the file's split)
            PromptTestSupport.admin(restarted, "PUT", "/admin/prompts/support-bot/labels/production", "{\"version\":1}");
            assertThat(servedVersion(filter, "production", "someone")).isEqualTo(1);
            AdminResponse cleared = PromptTestSupport.admin(restarted, "DELETE", "/admin/prompts/support-bot/labels/production", "");
            assertThat(cleared.status()).isEqualTo(200);
            assertThat(PromptTestSupport.json(cleared).get("effective").asInt()).isEqualTo(2);
        }

        try (DefaultFilterServices again = TestFilterServices.create()) {
            new PromptFilterFactory().create(config, again);
            JsonNode detail = PromptTestSupport.json(PromptTestSupport.admin(again, "GET", "/admin/prompts/support-bot", ""));
            assertThat(detail.at("/labels/production/override").isNull()).isTrue();
            assertThat(detail.get("audit")).hasSize(3);
        }
    }

    @Test
    void aLabelMovedOnOneReplicaServesOnEveryReplicaOnTheSameDatabase() throws Exception {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        GatewayConfig config = PromptTestSupport.config(dir, tmp.resolve("data/prompt-labels.json"));
        try (DefaultFilterServices a = TestFilterServices.create(); DefaultFilterServices b = TestFilterServices.create()) {
            GatewayFilter onA = new PromptFilterFactory().create(config, a);
            GatewayFilter onB = new PromptFilterFactory().create(config, b);
            assertThat(PromptTestSupport.admin(a, "PUT", "/admin/prompts/support-bot/labels/staging", "{\"version\":1}").status()).isEqualTo(200);
            assertThat(servedVersion(onA, "staging", "u")).isEqualTo(1);
            assertThat(servedVersion(onB, "staging", "u")).isEqualTo(3);   // until B's next read of the database

            service(b).overrides().refresh();
            assertThat(servedVersion(onB, "staging", "u")).isEqualTo(1);
            JsonNode detail = PromptTestSupport.json(PromptTestSupport.admin(b, "GET", "/admin/prompts/support-bot", ""));
            assertThat(detail.at("/labels/staging/override").asInt()).isEqualTo(1);
            assertThat(detail.at("/audit/0/from").asInt()).isEqualTo(3);
            assertThat(detail.at("/audit/0/to").asInt()).isEqualTo(1);

            // cleared on B: A goes back to the file's value at its next read
            assertThat(PromptTestSupport.admin(b, "DELETE", "/admin/prompts/support-bot/labels/staging", "").status()).isEqualTo(200);
            service(a).overrides().refresh();
            assertThat(servedVersion(onA, "staging", "u")).isEqualTo(3);
            assertThat(PromptTestSupport.json(PromptTestSupport.admin(a, "GET", "/admin/prompts/support-bot", "")).get("audit")).hasSize(2);
        }
    }

    @Test
    void aLabelsFileFromEarlierVersionsIsImportedIntoAnEmptyDatabaseOnce() throws Exception {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        Path labels = tmp.resolve("data/prompt-labels.json");
        Files.createDirectories(labels.getParent());
        // the file's audit was trimmed: it no longer shows how staging came to point at 2
        Files.writeString(labels, """
                {"overrides": {"support-bot": {"production": 1, "staging": 2}},
                 "audit": [{"at": "2026-01-10T09:00:00Z", "who": "bob", "prompt": "support-bot", "label": "production", "from": 2, "to": 1}]}
                """);
        GatewayConfig config = PromptTestSupport.config(dir, labels);
        try (DefaultFilterServices services = TestFilterServices.create()) {
            GatewayFilter filter = new PromptFilterFactory().create(config, services);
            assertThat(servedVersion(filter, "production", "u")).isEqualTo(1);
            assertThat(servedVersion(filter, "staging", "u")).isEqualTo(2);
            JsonNode audit = PromptTestSupport.json(PromptTestSupport.admin(services, "GET", "/admin/prompts/support-bot", "")).get("audit");
            assertThat(audit).hasSize(2);
            assertThat(audit.at("/0/who").asText()).isEqualTo("bob");
            assertThat(audit.at("/1/who").asText()).isEqualTo("import");
            assertThat(audit.at("/1/label").asText()).isEqualTo("staging");
            PromptTestSupport.admin(services, "DELETE", "/admin/prompts/support-bot/labels/staging", "");
        }
        // the database is no longer empty: the file is not read again
        Files.writeString(labels, "{\"overrides\": {\"support-bot\": {\"staging\": 1}}, \"audit\": []}");
        try (DefaultFilterServices restarted = TestFilterServices.create()) {
            GatewayFilter filter = new PromptFilterFactory().create(config, restarted);
            assertThat(servedVersion(filter, "staging", "u")).isEqualTo(3);
            assertThat(servedVersion(filter, "production", "u")).isEqualTo(1);
        }
    }

    @Test
    void aMoveTheDatabaseRefusesIsAnErrorAndMovesNothing() throws Exception {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        GatewayConfig config = PromptTestSupport.config(dir, tmp.resolve("data/prompt-labels.json"));
        try (DefaultFilterServices services = TestFilterServices.create()) {
            GatewayFilter filter = new PromptFilterFactory().create(config, services);
            LedgerDatabase.shared(services, config).close();
            AdminResponse refused = PromptTestSupport.admin(services, "PUT", "/admin/prompts/support-bot/labels/staging", "{\"version\":1}");
            assertThat(refused.status()).isEqualTo(500);
            assertThat(PromptTestSupport.json(refused).at("/error/message").asText()).contains("the label was not moved");
            assertThat(servedVersion(filter, "staging", "u")).isEqualTo(3);
            assertThat(PromptTestSupport.admin(services, "GET", "/admin/prompts/support-bot", "").status()).isEqualTo(500);
        }
    }

    private static PromptService service(DefaultFilterServices services) {
        return services.shared(PromptService.class, () -> {
            throw new AssertionError("the prompt filter was not created");
        });
    }

    @Test
    void renderRouteRendersWithoutCallingAModel() {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        try (DefaultFilterServices services = TestFilterServices.create()) {
            new PromptFilterFactory().create(PromptTestSupport.config(dir, tmp.resolve("l.json")), services);
            AdminResponse r = PromptTestSupport.admin(services, "POST", "/admin/prompts/support-bot/render",
                    "{\"label\":\"staging\",\"variables\":{\"company\":\"O'Brien & Co\"}}");
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = PromptTestSupport.json(r);
            assertThat(body.get("version").asInt()).isEqualTo(3);
            assertThat(body.at("/messages/0/content").asText()).isEqualTo("You help O'Brien & Co customers, briefly.");
            assertThat(body.at("/params/temperature").asDouble()).isEqualTo(0.1);
            AdminResponse missing = PromptTestSupport.admin(services, "POST", "/admin/prompts/support-bot/render", "{\"version\":1}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(PromptTestSupport.json(missing).at("/error/message").asText()).contains("'company'");
        }
    }

    @Test
    void shippedSupportBotPromptLoads() {
        Path shipped = Path.of("../config/prompts");
        PromptRegistry r = PromptRegistry.load(shipped);
        assertThat(r.get("support-bot")).isNotNull();
        assertThat(r.get("support-bot").versions().keySet()).containsExactly(1, 2, 3);
        assertThat(r.get("support-bot").split().weights()).containsEntry(2, 90).containsEntry(3, 10);
    }

    @Test
    void checkListsEveryBadPromptFileAndCreateRefusesTheSame() {
        Path dir = tmp.resolve("prompts");
        PromptTestSupport.write(dir, "support-bot", SUPPORT_BOT);
        PromptTestSupport.write(dir, "a", "id: a\nlabels: { prod: 5 }\nversions:\n  1: { messages: [ { role: user, content: hi } ] }\n");
        PromptTestSupport.write(dir, "b", "id: not-b\nversions:\n  1: { messages: [ { role: user, content: hi } ] }\n");
        GatewayConfig config = PromptTestSupport.config(dir, tmp.resolve("labels.json"));

        assertThat(new PromptFilterFactory().check(config)).allSatisfy(p -> assertThat(p.path()).isEqualTo("prompts.dir"))
                .extracting(ConfigProblem::message)
                .containsExactly("a.yaml: labels.prod (line 2): no version 5 (versions: [1])",
                        "b.yaml: id (line 1): id 'not-b' must match the file name 'b'");
        assertThat(tmp.resolve("labels.json")).as("checking writes nothing").doesNotExist();
        try (DefaultFilterServices services = TestFilterServices.create()) {
            assertThatThrownBy(() -> new PromptFilterFactory().create(config, services))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("a.yaml: labels.prod").hasMessageContaining("b.yaml: id");
        }
    }

    @Test
    void aPromptsDirTheConfigNamesMustBeAFolderButTheDefaultMayBeAbsent() throws Exception {
        GatewayConfig missing = PromptTestSupport.config(tmp.resolve("promts"), tmp.resolve("labels.json"));
        assertThat(new PromptFilterFactory().check(missing)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("prompts.dir");
            assertThat(p.message()).contains("promts' does not exist");
        });
        try (DefaultFilterServices services = TestFilterServices.create()) {
            assertThatThrownBy(() -> new PromptFilterFactory().create(missing, services)).hasMessageContaining("promts' does not exist");
        }
        Path file = Files.writeString(tmp.resolve("prompts.yaml"), "id: x\n");
        assertThat(new PromptFilterFactory().check(PromptTestSupport.config(file, tmp.resolve("labels.json"))))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("is not a folder"));
        // config/prompts is not there in this module's working directory: a gateway without prompts needs no folder
        assertThat(Path.of(io.tollgate.core.config.PromptsConfig.DEFAULT_DIR)).doesNotExist();
        assertThat(new PromptFilterFactory().check(GatewayConfig.empty())).isEmpty();
    }
}
