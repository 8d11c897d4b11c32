package io.tollgate.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.routing.Route;
import io.tollgate.core.routing.Routes;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.inbound.Responses;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** {@code GET /v1/models}: the aliases the calling key may use, in OpenAI's list shape. */
public final class ModelsApi {

    private ModelsApi() {}

    /**
     * The terminal of the auth-only chain: lists what the authenticated principal may use and this
     * gateway can serve (an alias whose providers all lack credentials is left out).
     */
    public static Terminal terminal(GatewayConfig config, Routes routes) {
        long created = 1_700_000_000L;
        return (ex, sink) -> {
            ObjectNode root = Json.object().put("object", "list");
            ArrayNode data = root.putArray("data");
            for (String alias : config.models().keySet()) {
                Route route = routes.route(alias);
                if (ex.principal().mayUse(alias) && route != null && route.anyEnabled()) {
                    data.addObject().put("id", alias).put("object", "model").put("created", created).put("owned_by", "tollgate");
                }
            }
            sink.unary(GatewayResponse.json(200, root, null));
        };
    }

    public static void list(GatewayRuntime runtime, Headers headers, Executor eventLoop, Consumer<FullHttpResponse> respond) {
        GatewayRuntime.Snapshot snapshot = runtime.current();
        DefaultExchange ex = new DefaultExchange(requestId(headers),
                GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, Json.object()), headers, eventLoop, runtime.services().ticker());
        snapshot.authOnly().execute(ex, new ResponseSink() {
            @Override
            public void unary(GatewayResponse response) {
                FullHttpResponse r = Responses.full(response.status(), "application/json", response.body());
                r.headers().set("x-request-id", ex.requestId());
                respond.accept(r);
            }

            @Override
            public void fail(GatewayError error) {
                respond.accept(Responses.error(error));
            }

            @Override public void streamStart(GatewayResponse head) { fail(GatewayError.internal("models")); }
            @Override public void chunk(StreamChunk chunk) { }
            @Override public void streamEnd() { }
            @Override public boolean isWritable() { return true; }
            @Override public void onWritable(Runnable resume) { resume.run(); }
        });
    }

    private static String requestId(Headers headers) {
        String id = headers.get("x-request-id");
        return id != null && id.length() <= 128 && id.matches("[A-Za-z0-9._:-]+") ? id : "req_models_" + Long.toHexString(System.nanoTime());
    }
}
