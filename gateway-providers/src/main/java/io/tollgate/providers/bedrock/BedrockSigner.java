package io.tollgate.providers.bedrock;

import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.upstream.UpstreamRequest;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 with AWS's own signer (no hand-rolled canonical requests): signs the request the adapter built
 * and copies the signature headers into it. CPU only, no I/O: safe on the event loop.
 */
final class BedrockSigner {

    static final String SERVICE = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final List<String> SIGNATURE_HEADERS = List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256");

    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final Clock clock;

    BedrockSigner(String accessKeyId, String secretAccessKey, String sessionToken, String region, Clock clock) {
        this.credentials = sessionToken.isEmpty()
                ? AwsCredentialsIdentity.create(accessKeyId, secretAccessKey)
                : AwsSessionCredentialsIdentity.create(accessKeyId, secretAccessKey, sessionToken);
        this.region = region;
        this.clock = clock;
    }

    UpstreamRequest sign(UpstreamRequest request) {
        SdkHttpRequest.Builder http = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(request.method())).uri(request.uri());
        request.headers().forEach(http::appendHeader);
        byte[] body = request.body();
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(credentials)
                .request(http.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        MutableHeaders headers = request.headers();
        for (String name : SIGNATURE_HEADERS) {
            signed.request().firstMatchingHeader(name).ifPresent(v -> headers.set(name, v));
        }
        return request;
    }
}
