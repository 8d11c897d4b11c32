package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.core.config.ConfigLoader;
import io.tollgate.server.config.ConfigCheck;
import io.tollgate.server.testing.GatewayExtension;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTPS on the client port: served with the configured certificate, and a renewed one picked up without a restart. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {

    static final Path DIR = Path.of("target", "it-data", "tls");

    static {
        System.setProperty("tollgate.tls.check-millis", "200");
        install("a");
    }

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, tls: { cert-file: "CERT", key-file: "KEY" } }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/tls-it.db" }
            """).replace("CERT", () -> DIR.resolve("tls.crt").toString()).replace("KEY", () -> DIR.resolve("tls.key").toString());

    /** Copies test certificate {@code name} to the files the gateway serves, with a new modification time. */
    static void install(String name) {
        install(name, name);
    }

    /** Copies test certificate {@code cert}'s chain and {@code key}'s key to the files the gateway serves. */
    static void install(String cert, String key) {
        try {
            Files.createDirectories(DIR);
            for (String ext : new String[] {"crt", "key"}) {
                try (InputStream in = TlsIT.class.getResourceAsStream("/tls/" + (ext.equals("crt") ? cert : key) + "." + ext)) {
                    Path target = DIR.resolve("tls." + ext);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                }
            }
        } catch (Exception e) {
            throw new UncheckedIOException(new java.io.IOException(e));
        }
    }

    /** A client that trusts both test certificates, on new connections. */
    static HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        for (String name : new String[] {"a", "b"}) {
            try (InputStream in = TlsIT.class.getResourceAsStream("/tls/" + name + ".crt")) {
                trust.setCertificateEntry(name, x509.generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> chat() throws Exception {
        return client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayExtension.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String servedCertificate(HttpResponse<?> r) throws Exception {
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    @Order(1)
    void servesTheApiOverHttpsWithTheConfiguredCertificate() throws Exception {
        HttpResponse<String> r = chat();

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Mock answer to: hi");
        assertThat(servedCertificate(r)).isEqualTo("CN=tollgate-test-a");
    }

    @Test
    @Order(2)
    void plainHttpOnTheHttpsPortGetsNoAnswerAndTheServerServesOn() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).doesNotContain("200 OK");   // the connection closes without an HTTP answer
        }
        assertThat(chat().statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aRenewedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        install("b", "a");   // half renewed: the new chain, the old key, which is not the chain's

        // through five checks (one every 200 ms here), every new connection still gets the previous certificate
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(servedCertificate(chat())).as("the previous certificate keeps serving").isEqualTo("CN=tollgate-test-a"));

        install("b");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(servedCertificate(chat())).isEqualTo("CN=tollgate-test-b"));

        install("a");   // back, for any test that runs after this one
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(servedCertificate(chat())).isEqualTo("CN=tollgate-test-a"));
    }

    @Test
    void validateNamesFilesThatMakeNoCertificate() throws Exception {
        Path missing = DIR.resolve("missing.crt");
        Path notPem = DIR.resolve("not-pem.crt");
        Files.writeString(notPem, "not a certificate");
        String yaml = "server: { tls: { cert-file: \"%s\", key-file: \"%s\" } }\nproviders: { mock: { type: mock } }\n";

        var unreadable = ConfigCheck.checked(ConfigLoader.parse(yaml.formatted(missing, DIR.resolve("tls.key")), "t.yaml"));
        var garbage = ConfigCheck.checked(ConfigLoader.parse(yaml.formatted(notPem, DIR.resolve("tls.key")), "t.yaml"));
        Path otherKey = DIR.resolve("other.key");
        try (InputStream in = TlsIT.class.getResourceAsStream("/tls/b.key")) {
            Files.copy(in, otherKey, StandardCopyOption.REPLACE_EXISTING);
        }
        var mismatched = ConfigCheck.checked(ConfigLoader.parse(yaml.formatted(DIR.resolve("tls.crt"), otherKey), "t.yaml"));
        var halfSet = ConfigLoader.parse("server: { tls: { cert-file: \"x.crt\" } }", "t.yaml");

        assertThat(unreadable.problems()).singleElement().asString().contains("server.tls").contains("missing.crt cannot be read");
        assertThat(garbage.problems()).singleElement().asString().contains("server.tls").contains("do not make a usable certificate");
        assertThat(mismatched.problems()).singleElement().asString().contains("is the key the certificate's?");
        assertThat(halfSet.problems()).singleElement().asString().contains("server.tls.key-file");
    }
}
