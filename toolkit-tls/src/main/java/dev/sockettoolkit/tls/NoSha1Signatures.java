package dev.sockettoolkit.tls;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses SHA-1 signatures (RFC 9155) for one engine: signature schemes {@code rsa_pkcs1_sha1},
 * {@code ecdsa_sha1}, {@code dsa_sha1} in the handshake, and SHA-1 signed certificates. Set on
 * each engine's {@code SSLParameters}; the JDK applies it on top of {@code
 * jdk.tls.disabledAlgorithms}, which stays in force. (JDK 19 has {@code
 * SSLParameters.setSignatureSchemes}; on 17 the constraints are the per-engine way.)
 */
final class NoSha1Signatures implements AlgorithmConstraints {
  static final NoSha1Signatures INSTANCE = new NoSha1Signatures();

  private NoSha1Signatures() {}

  /** Whether {@code algorithm} names a SHA-1 signature: a JCA name or a TLS scheme name. */
  static boolean isSha1Signature(String algorithm) {
    String name = algorithm.toUpperCase(Locale.ROOT).replace("-", "");
    return name.startsWith("SHA1WITH") || name.endsWith("_SHA1");
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
    return !(primitives.contains(CryptoPrimitive.SIGNATURE) && isSha1Signature(algorithm));
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
    return true;
  }

  @Override
  public boolean permits(
      Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
    return permits(primitives, algorithm, parameters);
  }
}
