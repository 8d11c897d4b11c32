package io.tollgate.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NativeBodyTest {

    @Test
    void nativeBodyIsVisibleUntilTheCanonicalBodyIsEdited() {
        NativeBody original = new NativeBody(NativeBody.ANTHROPIC_MESSAGES, "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), MutableHeaders.of());
        GatewayRequest r = GatewayRequest.translated(ApiKind.MESSAGES, Json.object().put("model", "m"), original);
        assertThat(r.isModified()).isFalse();
        assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"m\"}");
        assertThat(r.nativeBody()).isSameAs(original);
        assertThat(r.nativeBody().is(NativeBody.ANTHROPIC_MESSAGES)).isTrue();
        r.model("other");
        assertThat(r.nativeBody()).isNull();   // an edit must win over the stale original
    }

    @Test
    void withApiPresentsTheCanonicalBodyToAChatOnlyTarget() {
        NativeBody original = new NativeBody(NativeBody.ANTHROPIC_MESSAGES, new byte[] {'{', '}'}, MutableHeaders.of());
        GatewayRequest r = GatewayRequest.translated(ApiKind.MESSAGES, Json.object().put("model", "m"), original);
        GatewayRequest chat = r.withApi(ApiKind.CHAT_COMPLETIONS);
        assertThat(chat.api()).isEqualTo(ApiKind.CHAT_COMPLETIONS);
        assertThat(chat.nativeBody()).isNull();
        assertThat(chat.bytes()).isSameAs(r.bytes());
        assertThat(chat.model()).isEqualTo("m");
    }

    @Test
    void ordinaryRequestsHaveNone() {
        assertThat(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, Json.object()).nativeBody()).isNull();
    }
}
