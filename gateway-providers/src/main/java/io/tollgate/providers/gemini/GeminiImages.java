package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.providers.openai.ChatContent;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How user content parts are written for one Gemini platform. Text is the same everywhere; an OpenAI
 * {@code image_url} as a Gemini part is not. A base64 {@code data:} URL becomes {@code inlineData}
 * on both platforms. A remote image becomes {@code fileData}, which Google fetches itself, and which
 * remote URIs it reads differs by platform (docs/providers.md); the gateway never downloads an image.
 */
enum GeminiImages implements ChatContent.PartMapper {

    /** The Google AI API: Files-API URIs, and public or signed http(s) URLs; gs:// only once registered with the Files API. */
    GOOGLE_AI("Gemini") {
        @Override
        ObjectNode remote(String url, String field) {
            if (isFilesApiUri(url)) {
                return fileData(url, null);   // an uploaded file carries its own MIME type
            }
            if (url.startsWith("https://") || url.startsWith("http://")) {
                return fileData(url, mimeType(url, field));
            }
            throw ChatContent.invalid("'" + field + "' must be a base64 data: URL, a Gemini Files API URI or an http(s) URL for " + vendor
                    + " models (gs:// URIs are read by Vertex AI; on the Gemini API register the object with the Files API first).", field);
        }
    },

    /** Vertex AI: Cloud Storage objects (gs://) and public http(s) URLs; Files-API URIs belong to the Google AI API. */
    VERTEX("Vertex AI") {
        @Override
        ObjectNode remote(String url, String field) {
            if (isFilesApiUri(url)) {
                throw ChatContent.invalid("'" + field + "' is a Gemini Files API URI, which Vertex AI cannot read: send a gs:// URI, an http(s) URL or a base64 data: URL.", field);
            }
            if (url.startsWith("gs://") || url.startsWith("https://") || url.startsWith("http://")) {
                return fileData(url, mimeType(url, field));
            }
            throw ChatContent.invalid("'" + field + "' must be a base64 data: URL, a gs:// URI or an http(s) URL for " + vendor + " models.", field);
        }
    };

    /** The image types Gemini reads (its image-understanding docs), by file extension. */
    private static final Map<String, String> MIME_TYPES = Map.of(
            "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "webp", "image/webp", "heic", "image/heic", "heif", "image/heif");

    final String vendor;

    GeminiImages(String vendor) {
        this.vendor = vendor;
    }

    @Override
    public ObjectNode text(String text) {
        return Json.object().put("text", text);
    }

    /** The Gemini part for the image at {@code url}; {@code field} names it in a 400. */
    @Override
    public ObjectNode image(String url, String field) {
        if (!url.startsWith("data:")) {
            return remote(url, field);
        }
        int marker = url.indexOf(";base64,");
        if (marker < 0) {
            throw ChatContent.invalid("'" + field + "' must be a base64 data: URL (data:<type>;base64,...).", field);
        }
        ObjectNode part = Json.object();
        part.putObject("inlineData").put("mimeType", url.substring(5, marker)).put("data", url.substring(marker + 8));
        return part;
    }

    abstract ObjectNode remote(String url, String field);

    /** {@code https://generativelanguage.googleapis.com/v1beta/files/<id>}, what the Files API returns as a file's {@code uri}. */
    static boolean isFilesApiUri(String url) {
        return url.startsWith("https://generativelanguage.googleapis.com/") && url.matches("https://generativelanguage\\.googleapis\\.com/v1[a-z0-9]*/files/[^/?#]+");
    }

    private static ObjectNode fileData(String uri, @Nullable String mimeType) {
        ObjectNode part = Json.object();
        ObjectNode data = part.putObject("fileData");
        if (mimeType != null) data.put("mimeType", mimeType);
        data.put("fileUri", uri);
        return part;
    }

    /**
     * fileData needs the MIME type and an OpenAI image_url does not carry one: it is read from the path's
     * extension (a signed URL's query is ignored). Guessing wrong would fail upstream with a vaguer message.
     */
    final String mimeType(String url, String field) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            throw ChatContent.invalid("'" + field + "' is not a valid URL.", field);
        }
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : MIME_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw ChatContent.invalid("'" + field + "' must name a .png, .jpg, .jpeg, .webp, .heic or .heif file for " + vendor
                    + " models (Google needs the image type, and it is read from the extension), or be a base64 data: URL.", field);
        }
        return type;
    }
}
