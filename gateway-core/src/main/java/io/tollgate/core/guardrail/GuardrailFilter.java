package io.tollgate.core.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.guardrail.Guardrail.Result;
import io.tollgate.core.guardrail.Guardrail.Stage;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Content guardrails (SPEC §4 {@code guardrail_blocked}): checks what a model reads before the
 * upstream call and what it writes on the way back, with the built-in detectors or custom regexes.
 *
 * <p>Input: a {@code block} guardrail that matches rejects the request (the upstream is never
 * called); a {@code redact} one rewrites the body, so the upstream receives the redacted text.
 * Output: a unary answer is checked whole; a {@code block} match turns it into a 400 (the upstream's
 * usage is still metered: the metering hook has seen the answer by then), a {@code redact} match
 * rewrites it. A streamed answer passes chunk by chunk. {@code block} guardrails check it as it grows
 * (a sliding window of {@link #WINDOW} characters plus the new text) and a match ends the stream with
 * the SSE error event, since text already sent cannot be taken back. {@code redact} guardrails
 * rewrite it in flight ({@link StreamRedactor}), holding back only the tail that could still become
 * a match.
 *
 * <p>Block guardrails run before redact ones, each group in config order. Nothing matched ever
 * reaches a log, a metric or an error message.
 */
final class GuardrailFilter implements GatewayFilter {

    /**
     * Characters of earlier stream text kept, per window (a choice's text, or one tool call's arguments),
     * so a match split across chunks is found.
     */
    static final int WINDOW = 512;

    /** The guardrails that apply to one alias, per stage, blocks first. */
    private record Plan(Guardrail[] input, Guardrail[] output) {}

    private final Map<String, Plan> byAlias = new HashMap<>();
    /** For an alias the config does not list (only when model-access is switched off): the unscoped guardrails. */
    private final Plan unlisted;

    GuardrailFilter(List<Guardrail> guardrails, Collection<String> aliases) {
        List<Guardrail> ordered = new ArrayList<>(guardrails.size());
        guardrails.stream().filter(Guardrail::blocks).forEach(ordered::add);
        guardrails.stream().filter(g -> !g.blocks()).forEach(ordered::add);
        for (String alias : aliases) {
            byAlias.put(alias, plan(ordered, alias));
        }
        unlisted = plan(ordered, "");
    }

    /** An alias no guardrail names (such as "" for unlisted ones) gets the unscoped guardrails only. */
    private static Plan plan(List<Guardrail> ordered, String alias) {
        return new Plan(ordered.stream().filter(g -> g.checks(Stage.INPUT, alias)).toArray(Guardrail[]::new),
                ordered.stream().filter(g -> g.checks(Stage.OUTPUT, alias)).toArray(Guardrail[]::new));
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        Plan plan = byAlias.getOrDefault(ex.request().model(), unlisted);
        for (Guardrail g : plan.input()) {
            if (g.blocks()) {
                if (inputMatches(g, ex.request())) {
                    g.count(Stage.INPUT, Result.BLOCKED);
                    return FilterDecision.reject(g.error(Stage.INPUT));
                }
                g.count(Stage.INPUT, Result.PASS);
            } else {
                g.count(Stage.INPUT, redactInput(g, ex.request()) ? Result.REDACTED : Result.PASS);
            }
        }
        return plan.output().length == 0 ? FilterDecision.proceed() : FilterDecision.proceed(new OutputHook(plan.output()));
    }

    private static boolean inputMatches(Guardrail g, GatewayRequest request) {
        return matchesAny(g, read -> GuardrailTexts.request(request.api(), request.json(), read, () -> {}));
    }

    private static boolean answerMatches(Guardrail g, JsonNode answer) {
        return matchesAny(g, read -> GuardrailTexts.answer(answer, read, () -> {}));
    }

    /** True when {@code g} matches a text that {@code walk} hands out; the walk only reads (each text comes back unchanged). */
    private static boolean matchesAny(Guardrail g, Consumer<UnaryOperator<String>> walk) {
        boolean[] found = {false};
        walk.accept(text -> {
            found[0] = found[0] || g.matches(text);
            return text;
        });
        return found[0];
    }

    /** Rewrites the body in place; marks it edited (so it is re-serialized for the upstream) only when something matched. */
    private static boolean redactInput(Guardrail g, GatewayRequest request) {
        boolean[] changed = {false};
        GuardrailTexts.request(request.api(), request.json(), g::redact, () -> {
            request.edit();
            changed[0] = true;
        });
        return changed[0];
    }

    /** The output stage of one request. */
    private static final class OutputHook implements ResponseHook {

        private final Guardrail[] guardrails;
        /** The block guardrails among them, checked over a window of recent text per choice or tool call. */
        private final Guardrail[] blocking;
        /** The redact ones, in config order, and the stream they rewrite; null for a unary answer or none. */
        private final Guardrail[] redacting;
        private @Nullable StreamRedactor redactor;
        private boolean streaming;
        private boolean stopped;
        /** Recent text of choice 0 (nearly every stream); of further choices ({@code n > 1}) and tool calls' arguments. */
        private final StringBuilder tail = new StringBuilder();
        private @Nullable Map<Integer, StringBuilder> otherTails;
        private @Nullable Guardrail hit;

        OutputHook(Guardrail[] guardrails) {
            this.guardrails = guardrails;
            this.blocking = Arrays.stream(guardrails).filter(Guardrail::blocks).toArray(Guardrail[]::new);
            this.redacting = Arrays.stream(guardrails).filter(g -> !g.blocks()).toArray(Guardrail[]::new);
        }

        @Override
        public void onResponse(Exchange ex, GatewayResponse response) {
            if (response.isStreaming()) {
                streaming = true;
                if (redacting.length > 0) {
                    redactor = new StreamRedactor(redacting);
                }
                return;
            }
            JsonNode original = response.json();
            JsonNode current = original;
            for (Guardrail g : guardrails) {
                if (g.blocks()) {
                    if (answerMatches(g, current)) {
                        block(ex, g);
                        return;
                    }
                    g.count(Stage.OUTPUT, Result.PASS);
                    continue;
                }
                if (!answerMatches(g, current)) {
                    g.count(Stage.OUTPUT, Result.PASS);
                    continue;
                }
                if (current == original) {
                    current = original.deepCopy(); // the parsed answer may be a cache entry's: never edit it in place
                }
                GuardrailTexts.answer(current, g::redact, () -> {});
                g.count(Stage.OUTPUT, Result.REDACTED);
            }
            if (current != original) {
                response.body(current);
            }
        }

        @Override
        public void onChunk(Exchange ex, StreamChunk chunk, Consumer<StreamChunk> out) {
            if (stopped || chunk.isUsageOnly()) {
                out.accept(chunk);
                return;
            }
            if (blocking.length > 0) {
                GuardrailTexts.delta(chunk.json(), this::check);
                if (hit != null) {
                    block(ex, hit);
                    return; // the chunk that completed the match is not sent
                }
            }
            if (redactor != null) {
                redactor.onChunk(chunk, out);
            } else {
                out.accept(chunk);
            }
        }

        @Override
        public void onStreamEnd(Exchange ex, Consumer<StreamChunk> out) {
            if (redactor != null && !stopped) {
                redactor.onEnd(out);
            }
        }

        /** Appends a piece of streamed text to its window and checks the window with the block guardrails. */
        private void check(int index, String text) {
            if (hit != null) {
                return;
            }
            StringBuilder window = index == 0 ? tail
                    : (otherTails == null ? otherTails = new HashMap<>() : otherTails).computeIfAbsent(index, i -> new StringBuilder());
            window.append(text);
            TextShape shape = TextShape.of(window);   // once a chunk, for every block guardrail
            for (Guardrail g : blocking) {
                if (g.matches(window, shape)) {
                    hit = g;
                    return;
                }
            }
            if (window.length() > WINDOW) {
                window.delete(0, window.length() - WINDOW);
            }
        }

        @Override
        public void onComplete(Exchange ex, Completion completion) {
            if (!streaming || stopped) {
                return;
            }
            for (Guardrail g : blocking) {
                g.count(Stage.OUTPUT, Result.PASS);
            }
            for (int i = 0; i < redacting.length; i++) {
                redacting[i].count(Stage.OUTPUT, redactor != null && redactor.redacted(i) ? Result.REDACTED : Result.PASS);
            }
        }

        private void block(Exchange ex, Guardrail g) {
            stopped = true;
            g.count(Stage.OUTPUT, Result.BLOCKED);
            ex.abort(g.error(Stage.OUTPUT));
        }
    }
}
