package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped {@code config/gateway.yaml}, as a user first runs it (no vendor keys in the environment),
 * serves every client endpoint of SPEC §2 with the demo key: unary and streamed, with the route headers.
 * Only the port, the data folder and the prompts folder's path (tests run in gateway-server/) differ.
 */
class ShippedConfigIT {

    private static final String DEMO_KEY = "tg-demo-key";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig(shippedConfig()).env(Map.of());

    private static String shippedConfig() {
        try {
            String yaml = Files.readString(Path.of("..", "config", "gateway.yaml"));
            String changed = yaml.replace("port: 8080", "port: 0")
                    .replace("sqlite:data/gateway.db", "sqlite:target/it-data/shipped-config-it.db")
                    .replace("dir: config/prompts", "dir: ../config/prompts");
            assertThat(changed).contains("port: 0", "shipped-config-it.db", "../config/prompts");
            return changed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> call(String path, String body, String authHeader) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header(authHeader, authHeader.equals("authorization") ? "Bearer " + DEMO_KEY : DEMO_KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/chat/completions | {"model":"chat","messages":[{"role":"user","content":"hi"}]}            | authorization | /choices/0/message/content
            /v1/completions      | {"model":"chat","prompt":"Say this is a test","max_tokens":7}        | authorization | /choices/0/text
            /v1/responses        | {"model":"chat","input":"hi"}                                        | authorization | /output/0/content/0/text
            /v1/embeddings       | {"model":"mock-embed","input":"hi"}                                  | authorization | /data/0/embedding/0
            /v1/messages         | {"model":"chat","max_tokens":20,"messages":[{"role":"user","content":"hi"}]} | x-api-key | /content/0/text
            """)
    void everyEndpointAnswersTheDemoKeyThroughTheMock(String path, String body, String authHeader, String answerPointer) throws Exception {
        HttpResponse<String> r = call(path, body, authHeader);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = Json.MAPPER.readTree(r.body());
        assertThat(json.at(answerPointer).isMissingNode()).as(answerPointer + " in " + r.body()).isFalse();
        assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("mock");
        assertThat(r.headers().firstValue("x-gateway-attempts")).hasValue("1");
        assertThat(r.headers().firstValue("x-gateway-cache")).hasValue("bypass");
        assertThat(r.headers().firstValue("x-gateway-cost-usd")).isPresent();
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("600");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/chat/completions | {"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]}            | authorization | data: [DONE]
            /v1/responses        | {"model":"chat","stream":true,"input":"hi"}                                        | authorization | response.completed
            /v1/messages         | {"model":"chat","stream":true,"max_tokens":20,"messages":[{"role":"user","content":"hi"}]} | x-api-key | event: message_stop
            """)
    void streamsEndWithTheirApisLastEvent(String path, String body, String authHeader, String lastEvent) throws Exception {
        HttpResponse<String> r = call(path, body, authHeader);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(r.body()).contains(lastEvent).doesNotContain("\"error\"");
        assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("mock");
    }

    @Test
    void theShippedPromptRendersThroughTheChatEndpoint() throws Exception {
        HttpResponse<String> r = call("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"Where is my order?"}],"user":"u-1",
                 "prompt":{"id":"support-bot","version":1,"variables":{"company":"Acme"}}}""", "authorization");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-prompt")).hasValue("support-bot@1");
    }

    @Test
    void modelsListsTheAliasesWhoseProvidersAreEnabled() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/models", DEMO_KEY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).findValuesAsText("id")).containsExactlyInAnyOrder("mock-chat", "mock-embed", "chat");
    }
}
