package io.tollgate.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** Builds exchanges for filter tests: runs "event loop" work inline on the test thread. */
public final class TestExchange {

    /** An executor that runs tasks at once on the calling thread. */
    public static final Executor DIRECT = Runnable::run;

    private TestExchange() {}

    /** A chat request for {@code model} with one user message. */
    public static DefaultExchange chat(String model, String userMessage) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
        return of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(), new FakeTicker());
    }

    /** A chat exchange already authenticated as {@code keyId}. */
    public static DefaultExchange forKey(String keyId) {
        DefaultExchange ex = chat("chat", "hello");
        ex.principal(new Principal(keyId, null, List.of(), Map.of()));
        return ex;
    }

    public static DefaultExchange of(GatewayRequest request, Headers headers, Ticker ticker) {
        return new DefaultExchange("req-test", request, headers, DIRECT, ticker);
    }

    /** Runs one filter and returns its (already completed) decision. */
    public static FilterDecision decide(GatewayFilter filter, DefaultExchange ex) {
        return filter.onRequest(ex).toCompletableFuture().join();
    }
}
