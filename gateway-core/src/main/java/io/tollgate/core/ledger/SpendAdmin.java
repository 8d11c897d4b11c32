package io.tollgate.core.ledger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/spend?group_by=key|team|user|alias|model|tag:<name>&from=&to=&format=json|csv}.
 * {@code from}/{@code to} are ISO instants ({@code 2026-01-01T00:00:00Z}) or dates ({@code 2026-01-01}, UTC midnight);
 * default: the current UTC month up to now. Queries run on the blocking executor; queued rows are flushed first
 * so the report includes requests that just finished.
 */
final class SpendAdmin {

    private static final Logger log = LoggerFactory.getLogger(SpendAdmin.class);

    private final LedgerWriter writer;
    private final SpendReader reader;
    private final Executor blocking;
    private final Clock clock;

    SpendAdmin(LedgerWriter writer, Executor blocking, Clock clock) {
        this.writer = writer;
        this.reader = new SpendReader(writer.database());
        this.blocking = blocking;
        this.clock = clock;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/spend", this::handle);
    }

    CompletionStage<AdminResponse> handle(AdminRequest req) {
        String groupBy = req.queryParam("group_by") == null ? "key" : req.queryParam("group_by");
        if (!groupBy.matches("key|team|user|alias|model|tag:.+")) {
            return bad("group_by must be one of key, team, user, alias, model or tag:<name>", "group_by");
        }
        String format = req.queryParam("format") == null ? "json" : req.queryParam("format");
        if (!format.equals("json") && !format.equals("csv")) {
            return bad("format must be json or csv", "format");
        }
        Instant now = clock.instant();
        Instant from;
        Instant to;
        try {
            from = parse(req.queryParam("from"), LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return bad("from must be an ISO date (2026-01-01) or instant (2026-01-01T00:00:00Z)", "from");
        }
        try {
            to = parse(req.queryParam("to"), now.plusMillis(1));
        } catch (DateTimeParseException e) {
            return bad("to must be an ISO date (2026-01-01) or instant (2026-01-01T00:00:00Z)", "to");
        }
        if (!from.isBefore(to)) {
            return bad("from must be before to", "from");
        }
        return CompletableFuture.supplyAsync(() -> {
            writer.flush();
            List<SpendReader.SpendLine> lines = reader.report(groupBy, from, to);
            return format.equals("csv") ? csv(groupBy, lines) : json(groupBy, from, to, lines);
        }, blocking).exceptionally(e -> {
            log.error("Spend report failed", e);
            return AdminResponse.error(GatewayError.internal("the spend report could not be read from the ledger"));
        });
    }

    private static Instant parse(@Nullable String v, Instant dflt) {
        if (v == null || v.isBlank()) return dflt;
        return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(v);
    }

    private static AdminResponse json(String groupBy, Instant from, Instant to, List<SpendReader.SpendLine> lines) {
        ObjectNode root = Json.object().put("group_by", groupBy).put("from", from.toString()).put("to", to.toString());
        double total = 0;
        ArrayNode data = root.putArray("data");
        for (SpendReader.SpendLine l : lines) {
            data.addObject().put("group", l.group()).put("requests", l.requests()).put("input_tokens", l.inputTokens())
                    .put("output_tokens", l.outputTokens()).put("cached_input_tokens", l.cacheReadTokens())
                    .put("cost_usd", l.costUsd()).put("cost_saved_usd", l.costSavedUsd());
            total += l.costUsd();
        }
        root.put("total_cost_usd", total);
        return AdminResponse.ok(root);
    }

    private static AdminResponse csv(String groupBy, List<SpendReader.SpendLine> lines) {
        StringBuilder sb = new StringBuilder(csvField(groupBy)).append(",requests,input_tokens,output_tokens,cached_input_tokens,cost_usd,cost_saved_usd\n");
        for (SpendReader.SpendLine l : lines) {
            sb.append(csvField(l.group())).append(',').append(l.requests()).append(',').append(l.inputTokens()).append(',')
                    .append(l.outputTokens()).append(',').append(l.cacheReadTokens()).append(',')
                    .append(io.tollgate.core.metering.CostCalculator.format(l.costUsd())).append(',')
                    .append(io.tollgate.core.metering.CostCalculator.format(l.costSavedUsd())).append('\n');
        }
        return AdminResponse.text(200, "text/csv; charset=utf-8", sb.toString());
    }

    /** RFC 4180 quoting, and a leading quote for values a spreadsheet would run as formulas. */
    static String csvField(String v) {
        String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static CompletionStage<AdminResponse> bad(String message, String param) {
        return CompletableFuture.completedFuture(AdminResponse.error(GatewayError.invalidRequest(message, param)));
    }
}
