package io.tollgate.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** SHA-256 of virtual keys, constant-time comparison and key generation. Keys themselves are never kept. */
public final class KeyHash {

    public static final String PREFIX = "tg-";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int RANDOM_CHARS = 40; // ~238 bits
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyHash() {}

    /** One digest per thread: looking the algorithm up for every request costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    public static byte[] sha256(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)); // digest() also resets it
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    public static byte[] fromHex(String hex) {
        return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    }

    /** Constant-time: the time taken does not depend on where the hashes differ. */
    public static boolean matches(byte[] presentedHash, byte[] storedHash) {
        return MessageDigest.isEqual(presentedHash, storedHash);
    }

    /** A new key: {@code tg-} followed by 40 random base62 characters. */
    public static String generate() {
        StringBuilder sb = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return sb.toString();
    }

    /** What admin output may show of a key: the first 8 hex digits of its hash. */
    public static String displayPrefix(byte[] hash) {
        return "sha256:" + HexFormat.of().formatHex(hash, 0, 4);
    }
}
