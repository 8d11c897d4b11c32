package io.tollgate.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.Exchange;
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
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/models}: the aliases the calling key may use, in OpenAI's list shape; and
 * {@code GET /v1/models/{id}}: one of them, or 404 {@code model_not_found} (as for an alias the key may not use).
 */
public final class ModelsApi {

    private ModelsApi() {}

    private static final long CREATED = 1_700_000_000L;

    /**
     * The terminal of the auth-only chain: what the authenticated principal may use and this gateway
     * can serve (an alias whose providers all lack credentials is left out); all of it, or the one
     * alias the request's {@code model} names.
     */
    public static Terminal terminal(GatewayConfig config, Routes routes) {
        return (ex, sink) -> {
            String wanted = ex.request().model();
            if (!wanted.isEmpty()) {
                if (listed(routes, ex, wanted)) {
                    sink.unary(GatewayResponse.json(200, model(Json.object(), wanted), null));
                } else {
                    sink.fail(GatewayError.modelNotFound(wanted));
                }
                return;
            }
            ObjectNode root = Json.object().put("object", "list");
            ArrayNode data = root.putArray("data");
            for (String alias : config.models().keySet()) {
                if (listed(routes, ex, alias)) {
                    model(data.addObject(), alias);
                }
            }
            sink.unary(GatewayResponse.json(200, root, null));
        };
    }

    private static boolean listed(Routes routes, Exchange ex, String alias) {
        Route route = routes.route(alias);
        return ex.principal().mayUse(alias) && route != null && route.anyEnabled();
    }

    private static ObjectNode model(ObjectNode node, String alias) {
        return node.put("id", alias).put("object", "model").put("created", CREATED).put("owned_by", "tollgate");
    }

    /** Answers {@code GET /v1/models} ({@code id} null) or {@code GET /v1/models/{id}}. */
    public static void handle(GatewayRuntime runtime, Headers headers, @Nullable String id, Executor eventLoop,
                              Consumer<FullHttpResponse> respond) {
        GatewayRuntime.Snapshot snapshot = runtime.current();
        ObjectNode query = id == null ? Json.object() : Json.object().put("model", id);
        DefaultExchange ex = new DefaultExchange(requestId(headers),
                GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, query), headers, eventLoop, runtime.services().ticker());
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
