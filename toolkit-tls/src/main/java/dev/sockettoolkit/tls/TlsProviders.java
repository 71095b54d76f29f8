package dev.sockettoolkit.tls;

import java.lang.reflect.InvocationTargetException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Finds the JSSE providers that {@link TlsConfig.Builder#provider(String)} names. Conscrypt and
 * Bouncy Castle's JSSE provider are optional dependencies: they are reached by reflection, so the
 * toolkit neither needs them to compile nor forces them on users, and naming one that is missing
 * fails with a message that says what to add.
 */
final class TlsProviders {
  static final String CONSCRYPT_ARTIFACT = "org.conscrypt:conscrypt-openjdk-uber:2.5.2";
  static final String BC_JSSE_ARTIFACT = "org.bouncycastle:bctls-jdk18on";

  private TlsProviders() {}

  /**
   * The provider for {@code name}: {@code jdk} (null: the JDK's own, SunJSSE), {@code conscrypt},
   * {@code bc} (Bouncy Castle JSSE), or the name of a provider installed in {@link Security}.
   */
  static Provider named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "jdk":
      case "sunjsse":
        return null;
      case "conscrypt":
        return conscrypt();
      case "bc":
      case "bcjsse":
        return bcJsse();
      default:
        Provider installed = Security.getProvider(name);
        if (installed == null) {
          throw new IllegalArgumentException(
              "no TLS provider named '" + name + "': use jdk, conscrypt, bc, or the name of a"
                  + " provider installed with java.security.Security");
        }
        return installed;
    }
  }

  /** A new Conscrypt provider (BoringSSL), or a one-line failure naming what is missing. */
  static Provider conscrypt() {
    Class<?> conscrypt;
    try {
      conscrypt = Class.forName("org.conscrypt.Conscrypt");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the Conscrypt TLS provider is not on the class path: add " + CONSCRYPT_ARTIFACT, e);
    }
    try {
      if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
        throw new IllegalStateException(unavailable(null));
      }
      return (Provider) conscrypt.getMethod("newProvider").invoke(null);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(unavailable(e.getCause()), e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException(unavailable(e), e);
    }
  }

  private static String unavailable(Throwable cause) {
    return "Conscrypt's native library (BoringSSL) cannot be loaded on this platform ("
        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        + (cause == null ? "" : ": " + cause)
        + "); use the JDK's TLS provider (provider \"jdk\") here";
  }

  /**
   * A new Bouncy Castle JSSE provider over Bouncy Castle's own cryptography, so it behaves the same
   * whatever else is installed.
   */
  static Provider bcJsse() {
    try {
      Class<?> jsse = Class.forName("org.bouncycastle.jsse.provider.BouncyCastleJsseProvider");
      return (Provider)
          jsse.getConstructor(Provider.class).newInstance(new BouncyCastleProvider());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the Bouncy Castle JSSE provider is not on the class path: add " + BC_JSSE_ARTIFACT
              + " (the same version as bcprov-jdk18on)",
          e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the Bouncy Castle JSSE provider failed to start: " + e.getCause(), e);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("the Bouncy Castle JSSE provider cannot be used: " + e, e);
    }
  }

  /**
   * Whether an engine of {@code provider} (null: the JDK's) keeps reading after it sent
   * close_notify, so that {@code shutdownOutput()} is a half-close under TLS 1.3. Only SunJSSE
   * does; Conscrypt and Bouncy Castle JSSE end the whole session.
   */
  static boolean halfCloses(Provider provider) {
    return provider == null || "SunJSSE".equals(provider.getName());
  }

  /**
   * Whether an engine of {@code provider} works on native memory (Conscrypt's BoringSSL), so that
   * it should get direct ciphertext buffers; the JDK's and Bouncy Castle's work on arrays.
   */
  static boolean isNative(Provider provider) {
    return provider != null && provider.getName().equals("Conscrypt");
  }

  /**
   * The protocols to enable on {@code provider}. Conscrypt (BoringSSL) ignores the constraints
   * that refuse SHA-1 handshake signatures, and SHA-1 can only be signed under TLS 1.2: on
   * Conscrypt the default narrows to TLS 1.3, where SHA-1 does not exist, and TLS 1.2 asked for
   * explicitly is refused, so the toolkit's "no SHA-1" default holds on every provider.
   */
  static List<String> protocols(Provider provider, List<String> requested, List<String> defaults) {
    if (provider == null || !provider.getName().equals("Conscrypt") || !requested.contains("TLSv1.2")) {
      return requested;
    }
    if (requested == defaults) {
      return List.of("TLSv1.3");
    }
    throw new IllegalStateException(
        "TLS 1.2 on the Conscrypt provider cannot refuse SHA-1 handshake signatures (RFC 9155):"
            + " BoringSSL ignores the toolkit's signature constraints. Use protocols(\"TLSv1.3\")"
            + " with Conscrypt, or the jdk or bc provider for TLS 1.2");
  }

  /** A short name for messages: {@code jdk} for the default. */
  static String describe(Provider provider) {
    return provider == null ? "jdk (SunJSSE)" : provider.getName();
  }
}
