package io.tollgate.core.upstream;

import io.tollgate.core.model.Headers;
import java.nio.ByteBuffer;

/**
 * Receives one upstream attempt's answer, on the request's event loop, in order:
 * {@link #onHead}, any number of {@link #onBody}, then {@link #onEnd}; or {@link #onFailure} at any
 * point (after which nothing else is called).
 */
public interface UpstreamListener {

    void onHead(int status, Headers headers);

    /** Body bytes as they arrive. The buffer is only valid during the call: copy what you keep. */
    void onBody(ByteBuffer bytes);

    void onEnd();

    void onFailure(UpstreamFailure failure);
}
