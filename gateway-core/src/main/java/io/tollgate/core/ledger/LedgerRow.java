package io.tollgate.core.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.RequestRecord;
import io.tollgate.core.model.TokenUsage;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One finished request, as written to {@code gateway_requests}. Never holds key material (only the key id). */
public record LedgerRow(Instant time, String requestId, String keyId, @Nullable String team, @Nullable String user,
                        Map<String, String> tags, String alias, String provider, String upstreamModel,
                        @Nullable String promptId, @Nullable Integer promptVersion, @Nullable String promptHash,
                        TokenUsage usage, double costUsd, boolean priced, double costSavedUsd, long latencyMs,
                        @Nullable Long ttftMs, int status, @Nullable String errorCode, String cacheStatus, int attempts) {

    public LedgerRow {
        tags = Map.copyOf(tags);
    }

    /** Snapshot of the exchange's record; runs on the event loop, so it copies and does nothing slow. */
    public static LedgerRow from(Exchange ex, Completion completion, Instant now) {
        RequestRecord r = ex.record();
        long durationNanos = r.durationNanos() > 0 ? r.durationNanos() : Math.max(0, ex.ticker().read() - r.startNanos());
        int status = r.status() != 0 ? r.status()
                : completion.error() != null ? completion.error().status()
                : completion.outcome() == Completion.Outcome.CANCELLED ? 499 : 200;
        String errorCode = r.errorCode() != null ? r.errorCode()
                : completion.error() != null ? completion.error().code()
                : completion.outcome() == Completion.Outcome.CANCELLED ? "client_cancelled" : null;
        return new LedgerRow(now, ex.requestId(), ex.principal().keyId(), ex.principal().team(), r.user(), r.tags(),
                r.alias(), r.provider(), r.upstreamModel(), r.promptId(), r.promptId() == null ? null : r.promptVersion(),
                r.promptHash(), r.usage(), r.costUsd(), r.priced(), r.costSavedUsd(), durationNanos / 1_000_000,
                r.firstTokenNanos() < 0 ? null : r.firstTokenNanos() / 1_000_000,
                status, errorCode, r.cache(), r.attempts());
    }

    String tagsJson() {
        if (tags.isEmpty()) {
            return "{}"; // most rows: no serializer call
        }
        try {
            return Json.MAPPER.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }
}
