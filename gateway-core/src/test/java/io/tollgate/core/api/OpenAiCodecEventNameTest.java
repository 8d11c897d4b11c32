package io.tollgate.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.StreamChunk;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiCodecEventNameTest {

    private final ResponseEncoder encoder = OpenAiCodec.INSTANCE.encoder(
            OpenAiCodec.INSTANCE.decode(ApiKind.RESPONSES, "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}".getBytes(StandardCharsets.UTF_8)));

    @Test
    void namedEventsKeepTheirEventLineAsOpenAiSendsThem() {
        byte[] frame = encoder.chunk(StreamChunk.event("response.output_text.delta", "{\"type\":\"response.output_text.delta\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(frame, StandardCharsets.UTF_8))
                .isEqualTo("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\"}\n\n");
    }

    @Test
    void chatChunksHaveOnlyData() {
        assertThat(new String(encoder.chunk(StreamChunk.of("{}".getBytes(StandardCharsets.UTF_8))), StandardCharsets.UTF_8)).isEqualTo("data: {}\n\n");
    }
}
