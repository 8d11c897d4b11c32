package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** image_url parts on the two Gemini platforms: inline data everywhere, fileData only for URIs that platform reads. */
class GeminiImagesTest {

    static final String FIELD = "messages[0].content[1].image_url.url";

    static final GeminiAdapter GOOGLE_AI = new GeminiAdapter("gemini", null, "AIza-secret", Map.of(), GeminiAdapterTest.CLOCK);
    static final GeminiAdapter VERTEX = new GeminiAdapter("vertex", new VertexEndpoint(VertexEndpoint.defaultBaseUrl("us-central1"), "acme", "us-central1", new VertexTokens.TokenSource() {
        @Override public @Nullable String token() { return "ya29.t"; }
        @Override public @Nullable String problem() { return null; }
    }), Map.of(), GeminiAdapterTest.CLOCK);

    /** The Gemini parts of a user message holding a text part and an image part with {@code url}. */
    static JsonNode parts(GeminiAdapter adapter, String url) throws Exception {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":" + Json.string(Json.NODES.textNode(url)) + "}}]}]}";
        return GeminiAdapterTest.body(adapter.toUpstream(GeminiAdapterTest.chat(chat), "gemini-2.5-flash")).at("/contents/0/parts");
    }

    static void rejected(GeminiAdapter adapter, String url, String... mentions) {
        assertThatThrownBy(() -> parts(adapter, url)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo(FIELD);
            assertThat(e.error().message()).contains(mentions);
        });
    }

    @Test
    void dataUrlsAreInlineDataOnBothPlatforms() throws Exception {
        for (GeminiAdapter a : new GeminiAdapter[] {GOOGLE_AI, VERTEX}) {
            JsonNode parts = parts(a, "data:image/png;base64,iVBORw0KGgo=");
            assertThat(parts.get(0).path("text").asText()).isEqualTo("what is this?");
            assertThat(parts.get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
            assertThat(parts.get(1).path("inlineData").path("data").asText()).isEqualTo("iVBORw0KGgo=");
            rejected(a, "data:image/png,rawbytes", "base64 data: URL");
        }
    }

    @Test
    void googleAiReadsFilesApiUrisAndHttpUrls() throws Exception {
        JsonNode file = parts(GOOGLE_AI, "https://generativelanguage.googleapis.com/v1beta/files/abc-123").get(1).path("fileData");
        assertThat(file.path("fileUri").asText()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/files/abc-123");
        assertThat(file.has("mimeType")).as("an uploaded file carries its own type").isFalse();

        JsonNode signed = parts(GOOGLE_AI, "https://bucket.s3.amazonaws.com/cats/Tabby.JPG?X-Amz-Signature=abc").get(1).path("fileData");
        assertThat(signed.path("mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(signed.path("fileUri").asText()).isEqualTo("https://bucket.s3.amazonaws.com/cats/Tabby.JPG?X-Amz-Signature=abc");

        rejected(GOOGLE_AI, "gs://bucket/cat.png", "gs://", "Files API");
        rejected(GOOGLE_AI, "ftp://example.com/cat.png", "http(s) URL");
    }

    @Test
    void vertexReadsCloudStorageAndHttpUrls() throws Exception {
        JsonNode gcs = parts(VERTEX, "gs://acme-images/2026/cat.webp").get(1).path("fileData");
        assertThat(gcs.path("mimeType").asText()).isEqualTo("image/webp");
        assertThat(gcs.path("fileUri").asText()).isEqualTo("gs://acme-images/2026/cat.webp");
        assertThat(parts(VERTEX, "https://example.com/photos/cat.heic").get(1).at("/fileData/mimeType").asText()).isEqualTo("image/heic");

        rejected(VERTEX, "https://generativelanguage.googleapis.com/v1beta/files/abc-123", "Files API", "Vertex AI cannot read");
        rejected(VERTEX, "s3://bucket/cat.png", "gs:// URI");
    }

    @Test
    void aRemoteImageWithoutAKnownImageExtensionIsA400() {
        for (GeminiAdapter a : new GeminiAdapter[] {GOOGLE_AI, VERTEX}) {
            rejected(a, "https://example.com/render?id=7", ".png", "data: URL");
            rejected(a, "https://example.com/anim.gif", ".png");
            rejected(a, "https://example.com/a b.png", "not a valid URL");
        }
    }

    @Test
    void otherPartTypesNameThePlatform() {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}";
        assertThatThrownBy(() -> VERTEX.toUpstream(GeminiAdapterTest.chat(chat), "g"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().message()).contains("Vertex AI models"));
        assertThatThrownBy(() -> GOOGLE_AI.toUpstream(GeminiAdapterTest.chat(chat), "g"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().message()).contains("Gemini models"));
    }
}
