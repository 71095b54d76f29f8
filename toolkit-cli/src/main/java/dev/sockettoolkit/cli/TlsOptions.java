package dev.sockettoolkit.cli;

import com.google.common.base.Splitter;
import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.ClientAuth;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.KeyMaterial;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TrustMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The TLS options shared by serve and connect; each side checks the ones that apply to it. */
final class TlsOptions {
  @Option(names = "--tls", description = "Use TLS (1.3 or 1.2, AEAD cipher suites only) (default: off).")
  boolean tls;

  @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain: the server's, or the client's for mutual TLS (default: none).")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "Private key for --cert (PKCS#8, encrypted PKCS#8 with --key-password, PKCS#1, SEC1, Ed25519) (default: none).")
  Path key;

  @Option(names = "--key-password", paramLabel = "PASSWORD", interactive = false, description = "Password of an encrypted --key (default: none).")
  char[] keyPassword;

  @Option(names = "--ca", paramLabel = "PEM", description = "Trusted CA certificates: on connect, for the server; on serve, for client certificates (default: none; connect then trusts the system's CAs).")
  Path ca;

  @Option(names = "--crl", paramLabel = "PEM", description = "Certificate revocation list of the peer's CA (from 'toolkit cert crl'): a listed certificate is refused, and so is every certificate of that CA once the list is out of date; repeatable (default: none).")
  List<Path> crl = new ArrayList<>();

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s", description = "Longest a TLS handshake may take (default: ${DEFAULT-VALUE}).")
  Duration handshakeTimeout;

  @Option(names = "--alpn", paramLabel = "LIST", description = "Application protocols to offer or accept, comma-separated, e.g. h2,http/1.1 (default: none).")
  String alpn;

  @Option(names = "--tls-provider", paramLabel = "PROVIDER", defaultValue = "jdk", description = "TLS implementation: jdk (the JDK's own), conscrypt (BoringSSL, native) or bc (Bouncy Castle JSSE, pure Java) (default: ${DEFAULT-VALUE}).")
  String tlsProvider;

  /** Applies {@code --tls-provider} to {@code builder}: one clear line when it cannot load. */
  static <B extends TlsConfig.Builder<B>> B withProvider(B builder, String provider) {
    try {
      return builder.provider(provider);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("--tls-provider " + provider + ": " + e.getMessage(), e);
    }
  }

  void requireTlsFor(String option, boolean given) {
    if (given && !tls) {
      throw new UsageException(option + " needs --tls");
    }
  }

  private void checkCommon() {
    requireTlsFor("--cert", cert != null);
    requireTlsFor("--key", key != null);
    requireTlsFor("--ca", ca != null);
    requireTlsFor("--alpn", alpn != null);
    requireTlsFor("--tls-provider", !"jdk".equals(tlsProvider));
    requireTlsFor("--crl", !crl.isEmpty());
    if ((cert == null) != (key == null)) {
      throw new UsageException("--cert and --key go together");
    }
  }

  private List<String> alpnList() {
    return alpn == null ? List.of() : Splitter.on(',').trimResults().omitEmptyStrings().splitToList(alpn);
  }

  /**
   * The server configuration, or null without {@code --tls}. With {@code --self-signed}, makes a
   * certificate for localhost, 127.0.0.1 and ::1 and adds a line with its SHA-256 fingerprint to
   * {@code notes}, for the caller to print once the server listens.
   */
  TlsConfig serverConfig(
      boolean selfSigned, ClientAuth clientAuth, List<String> notes)
      throws IOException {
    checkCommon();
    requireTlsFor("--self-signed", selfSigned);
    if (!tls) {
      return null;
    }
    KeyMaterial keyMaterial;
    if (selfSigned) {
      if (cert != null) {
        throw new UsageException("choose --self-signed or --cert/--key, not both");
      }
      IssuedCertificate issued = selfSigned();
      keyMaterial = issued.keyMaterial();
      notes.add("self-signed certificate for localhost, 127.0.0.1, ::1: sha256 fingerprint " + issued.sha256Fingerprint());
    } else if (cert != null) {
      keyMaterial = keyPassword == null ? KeyMaterial.fromPem(cert, key) : KeyMaterial.fromPem(cert, key, keyPassword);
    } else {
      throw new UsageException("a TLS server needs --cert and --key, or --self-signed");
    }
    TlsConfig.ServerBuilder builder =
        withProvider(TlsConfig.server(keyMaterial).handshakeTimeout(handshakeTimeout), tlsProvider);
    ClientAuth auth = clientAuth != null ? clientAuth : (ca != null ? ClientAuth.REQUIRED : ClientAuth.NONE);
    if (auth != ClientAuth.NONE) {
      if (ca == null) {
        throw new UsageException("--client-auth " + auth.name().toLowerCase(java.util.Locale.ROOT) + " needs --ca, the CA that issues client certificates");
      }
    }
    if (ca != null) {
      builder.trust(TrustMaterial.fromPem(ca));
    }
    builder.clientAuth(auth);
    if (!crl.isEmpty()) {
      builder.crl(crl.toArray(Path[]::new));
    }
    if (alpn != null) {
      builder.alpn(alpnList().toArray(String[]::new));
    }
    return builder.build();
  }

  /** The client configuration, or null without {@code --tls}. */
  TlsConfig clientConfig(boolean insecure, PrintWriter err) throws IOException {
    checkCommon();
    requireTlsFor("--insecure", insecure);
    if (!tls) {
      return null;
    }
    TlsConfig.ClientBuilder builder =
        withProvider(TlsConfig.client().handshakeTimeout(handshakeTimeout), tlsProvider);
    if (insecure) {
      if (ca != null) {
        throw new UsageException("choose --insecure or --ca, not both");
      }
      err.println("warning: --insecure: the server's certificate and name are NOT verified; anyone on the path can read and change this traffic");
      err.flush();
      builder.trust(TrustMaterial.insecureTrustAll()).hostnameVerification(false);
    } else if (ca != null) {
      builder.trust(TrustMaterial.fromPem(ca));
    } else {
      builder.trust(TrustMaterial.system());
    }
    if (!crl.isEmpty()) {
      builder.crl(crl.toArray(Path[]::new));
    }
    if (cert != null) {
      builder.keyMaterial(keyPassword == null ? KeyMaterial.fromPem(cert, key) : KeyMaterial.fromPem(cert, key, keyPassword));
    }
    if (alpn != null) {
      builder.alpn(alpnList().toArray(String[]::new));
    }
    return builder.build();
  }

  /** A throwaway CA and a server certificate it issued for the local machine's names. */
  static IssuedCertificate selfSigned() {
    return CertificateAuthority.create("toolkit serve --self-signed")
        .issue()
        .dns("localhost")
        .ip("127.0.0.1", "::1")
        .server()
        .issue();
  }
}
