package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code server.transport}: each socket layer serves clients and reaches a real upstream socket,
 * whole answers and streams, over reused keep-alive connections. The rest of the suite runs on
 * whatever {@code auto} picks on the machine.
 */
class TransportsIT {

    @RegisterExtension
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @ValueSource(strings = {"io-uring", "epoll", "nio"})
    void servesWholeAnswersAndStreamsOver(String transport) throws Exception {
        assumeThat(available(transport)).as(transport + " on this machine").isTrue();
        upstream.stubFor(post("/v1/chat/completions").withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                        .withBody(ProxyIT.fixture("openai-chat-stream-include-usage.sse")).withChunkedDribbleDelay(4, 40)));
        upstream.stubFor(post("/v1/chat/completions").withRequestBody(notContaining("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                        .withBody(ProxyIT.fixture("openai-chat-nonstream.json"))));
        ConfigLoader.LoadResult config = ConfigLoader.parse("""
                server: { port: 0, transport: %s, io-threads: 2 }
                providers: { up: { type: openai, base-url: "%s/v1", api-key: "sk-vendor" } }
                models: { chat: { targets: [ { provider: up, model: gpt-4o-mini } ] } }
                keys: [ { id: test, key: "tg-test-key" } ]
                state: { ledger: "sqlite:target/it-data/transports-it-%s.db" }
                """.formatted(transport, upstream.baseUrl(), transport), "test.yaml");
        assertThat(config.problems()).isEmpty();
        try (GatewayServer server = GatewayServer.start(config.config(), new GatewayRuntime(Main.terminalFactory()))) {
            assertThat(server.transport()).isEqualTo(transport.replace('-', '_'));
            // concurrent calls: several client connections and upstream connections per event loop
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 8)
                    .mapToObj(i -> http.sendAsync(chat(server.port(), i % 2 == 0), HttpResponse.BodyHandlers.ofString())).toList();
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> r = calls.get(i).join();
                assertThat(r.statusCode()).isEqualTo(200);
                if (i % 2 == 0) {
                    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
                    assertThat(r.body()).contains("\"chat.completion.chunk\"").endsWith("data: [DONE]\n\n");
                } else {
                    JsonNode body = Json.MAPPER.readTree(r.body());
                    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
                    assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
                }
            }
        }
    }

    private static boolean available(String transport) {
        return switch (transport) {
            case "io-uring" -> IoUring.isAvailable();
            case "epoll" -> Epoll.isAvailable();
            default -> true;
        };
    }

    private static HttpRequest chat(int port, boolean stream) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build();
    }
}
