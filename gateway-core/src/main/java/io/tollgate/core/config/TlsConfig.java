package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/**
 * {@code server.tls:} HTTPS on the client port. Off while no file is named. The files are re-read when
 * they change (a renewed certificate needs no restart); naming other files, or turning TLS on or off, does.
 *
 * @param certFile the certificate chain, PEM, the server's own certificate first
 * @param keyFile  its private key, PEM (PKCS#8, or PKCS#1 / SEC1 as OpenSSL writes them), unencrypted
 */
public record TlsConfig(@Nullable String certFile, @Nullable String keyFile) {

    public static final TlsConfig DEFAULT = new TlsConfig(null, null);

    public TlsConfig {
        certFile = blankToNull(certFile);
        keyFile = blankToNull(keyFile);
        if (certFile != null && keyFile == null) throw new ConfigException("key-file", "not set (expected: the private key of cert-file, PEM)");
        if (keyFile != null && certFile == null) throw new ConfigException("cert-file", "not set (expected: the certificate chain for key-file, PEM)");
    }

    public boolean enabled() {
        return certFile != null;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
