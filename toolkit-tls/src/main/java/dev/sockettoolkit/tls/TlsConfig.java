package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.sockettoolkit.core.TimeSource;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Immutable TLS settings for one side of a connection, with secure defaults. Build one per
 * client or server and share it: connections made from the same config share its session cache,
 * so reconnecting clients resume sessions.
 *
 * <pre>{@code
 * // a client that trusts a private CA
 * TlsConfig client = TlsConfig.client()
 *     .trust(TrustMaterial.fromPem(Path.of("ca.pem")))
 *     .alpn("myproto/1")
 *     .build();
 * try (TlsConnection tls = TlsConnection.client(Client.connect("db.internal:7000"), client, "db.internal")) {
 *   tls.write(ByteBuffer.wrap(request));
 * }
 *
 * // a server with two names and mutual TLS
 * TlsConfig server = TlsConfig.server(KeyMaterial.fromPem(Path.of("chain.pem"), Path.of("key.pem")))
 *     .sniKeyMaterial("admin.internal", adminKey)
 *     .clientAuth(ClientAuth.REQUIRED)
 *     .trust(TrustMaterial.fromPem(Path.of("clients-ca.pem")))
 *     .build();
 * }</pre>
 *
 * <h2>Defaults</h2>
 * <ul>
 *   <li>Protocols TLS 1.3 and TLS 1.2 only.
 *   <li>Cipher suites with forward secrecy (ECDHE) and authenticated encryption (AES-GCM,
 *       ChaCha20-Poly1305) only; see {@link #DEFAULT_CIPHER_SUITES}.
 *   <li>Clients verify the server's host name and send SNI for host names (not for IP literals,
 *       which are checked against the certificate's IP entries instead).
 *   <li>Renegotiation refused; session resumption on.
 *   <li>Handshake timeout {@value #DEFAULT_HANDSHAKE_TIMEOUT_SECONDS} s; handshake input capped at
 *       {@value #DEFAULT_MAX_HANDSHAKE_BYTES} bytes.
 * </ul>
 */
public final class TlsConfig {
  /** Default handshake timeout, in seconds. */
  public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;
  /** Default time {@code close()} waits for the peer's close_notify, in milliseconds. */
  public static final int DEFAULT_CLOSE_NOTIFY_TIMEOUT_MILLIS = 500;
  /** Default cap on bytes a peer may send during one handshake. */
  public static final int DEFAULT_MAX_HANDSHAKE_BYTES = 64 * 1024;
  /** The protocol versions enabled by default, newest first. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** The cipher suites enabled by default, in preference order: ECDHE key exchange, AEAD only. */
  public static final List<String> DEFAULT_CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final boolean client;
  private final KeyMaterial keyMaterial;
  private final Map<String, KeyMaterial> sniKeyMaterial;
  private final TrustMaterial trust;
  private final ClientAuth clientAuth;
  private final List<byte[]> pins;
  private final List<String> alpn;
  private final boolean hostnameVerification;
  private final Duration handshakeTimeout;
  private final TimeSource timeSource;
  private final Provider provider;
  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final int maxHandshakeBytes;
  private final Duration closeNotifyTimeout;
  private final List<Path> crlFiles;
  private final RevocationLists revocation;
  private final SSLContext context;

  private TlsConfig(Builder<?> b, boolean client) {
    this.client = client;
    this.keyMaterial = b.keyMaterial;
    this.sniKeyMaterial = Map.copyOf(b.sniKeyMaterial);
    this.trust = b.trust;
    this.clientAuth = b.clientAuth;
    this.pins = List.copyOf(b.pins);
    this.alpn = List.copyOf(b.alpn);
    this.hostnameVerification = b.hostnameVerification;
    this.handshakeTimeout = b.handshakeTimeout;
    this.timeSource = b.timeSource;
    this.provider = b.provider;
    this.protocols = List.copyOf(TlsProviders.protocols(b.provider, b.protocols, DEFAULT_PROTOCOLS));
    this.cipherSuites = List.copyOf(b.cipherSuites);
    this.maxHandshakeBytes = b.maxHandshakeBytes;
    this.closeNotifyTimeout = b.closeNotifyTimeout;
    this.crlFiles = b.crlFiles;
    this.revocation = b.revocation;
    this.context = SslContexts.create(this);
  }

  /** A builder for a client configuration; trusts the JVM's default CAs unless told otherwise. */
  public static ClientBuilder client() {
    return new ClientBuilder();
  }

  /** A builder for a server configuration presenting {@code keyMaterial} by default. */
  public static ServerBuilder server(KeyMaterial keyMaterial) {
    return new ServerBuilder(Objects.requireNonNull(keyMaterial, "keyMaterial"));
  }

  /** Whether this configures a client (else a server). */
  public boolean isClient() {
    return client;
  }

  /** The key material presented: the server's default, or the client's certificate; may be null for a client. */
  public KeyMaterial keyMaterial() {
    return keyMaterial;
  }

  /** Server key material by SNI host name (lower case; {@code *.example.com} wildcards allowed). */
  public Map<String, KeyMaterial> sniKeyMaterial() {
    return sniKeyMaterial;
  }

  /** The trust used to verify the peer: the server for a client, client certificates for a server. */
  public TrustMaterial trust() {
    return trust;
  }

  /** Whether a server asks for client certificates. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** The configured public key pins, as base64 SHA-256 of SubjectPublicKeyInfo. */
  public List<String> pins() {
    List<String> text = new ArrayList<>();
    for (byte[] pin : pins) {
      text.add(Base64.getEncoder().encodeToString(pin));
    }
    return text;
  }

  /** The ALPN protocols offered (client) or accepted in preference order (server); empty for none. */
  public List<String> alpn() {
    return alpn;
  }

  /** Whether a client checks that the certificate names the server. */
  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  /** How long a handshake may take. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * The clock of the handshake and close_notify timeouts, if one was chosen; otherwise each
   * connection uses its transport's {@link dev.sockettoolkit.core.Connection#timeSource()}.
   */
  public Optional<TimeSource> timeSource() {
    return Optional.ofNullable(timeSource);
  }

  /** The JSSE provider chosen with {@link Builder#provider}; empty for the JDK's own (SunJSSE). */
  public Optional<Provider> provider() {
    return Optional.ofNullable(provider);
  }

  /** Enabled protocol versions. */
  public List<String> protocols() {
    return protocols;
  }

  /** Enabled cipher suites, in preference order. */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** The most bytes a peer may send during one handshake before it is cut off. */
  public int maxHandshakeBytes() {
    return maxHandshakeBytes;
  }

  /** How long {@code close()} waits for the peer's close_notify or end of stream. */
  public Duration closeNotifyTimeout() {
    return closeNotifyTimeout;
  }

  /**
   * The certificate revocation list files the peer's certificate is checked against (read when
   * the configuration was built); empty for none.
   */
  public List<Path> crlFiles() {
    return crlFiles;
  }

  List<byte[]> pinBytes() {
    return pins;
  }

  /** The loaded CRLs, or null without {@code crl(...)}. */
  RevocationLists revocation() {
    return revocation;
  }

  SSLContext sslContext() {
    return context;
  }

  @Override
  public String toString() {
    return "TlsConfig{" + (client ? "client" : "server") + ", protocols=" + protocols
        + ", trust=" + trust + (alpn.isEmpty() ? "" : ", alpn=" + alpn)
        + (client ? "" : ", clientAuth=" + clientAuth)
        + (crlFiles.isEmpty() ? "" : ", crl=" + crlFiles) + "}";
  }

  /** Settings shared by clients and servers. */
  public abstract static class Builder<B extends Builder<B>> {
    KeyMaterial keyMaterial;
    final Map<String, KeyMaterial> sniKeyMaterial = new LinkedHashMap<>();
    TrustMaterial trust;
    ClientAuth clientAuth = ClientAuth.NONE;
    final List<byte[]> pins = new ArrayList<>();
    List<String> alpn = List.of();
    boolean hostnameVerification = true;
    Duration handshakeTimeout = Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    TimeSource timeSource;
    Provider provider;
    List<String> protocols = DEFAULT_PROTOCOLS;
    List<String> cipherSuites = DEFAULT_CIPHER_SUITES;
    int maxHandshakeBytes = DEFAULT_MAX_HANDSHAKE_BYTES;
    Duration closeNotifyTimeout = Duration.ofMillis(DEFAULT_CLOSE_NOTIFY_TIMEOUT_MILLIS);
    List<Path> crlFiles = List.of();
    RevocationLists revocation;

    Builder() {}

    abstract B self();

    /**
     * The authorities the peer's certificate must chain to. A client defaults to {@link
     * TrustMaterial#system()}; a server needs this when it asks for client certificates.
     */
    public B trust(TrustMaterial trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return self();
    }

    /**
     * ALPN protocol names: a client offers them, a server picks the first of its own list that
     * the client offered and refuses the handshake if there is none (RFC 7301).
     */
    public B alpn(String... protocols) {
      for (String protocol : protocols) {
        Objects.requireNonNull(protocol, "alpn protocol");
        checkArgument(!protocol.isEmpty() && protocol.length() <= 255, "bad ALPN name '%s'", protocol);
      }
      this.alpn = List.of(protocols);
      return self();
    }

    /** How long a handshake may take before the connection is dropped; 10 s by default. */
    public B handshakeTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative() && !timeout.isZero(), "handshake timeout must be positive: %s", timeout);
      this.handshakeTimeout = timeout;
      return self();
    }

    /**
     * The clock that the handshake and close_notify timeouts are measured on. By default a
     * connection uses its transport's ({@link dev.sockettoolkit.core.ConnectionOptions#timeSource()}),
     * so a test that gives its in-memory connections the testkit's {@code VirtualClock} runs the
     * 10 s handshake timeout in virtual time without setting it here too.
     */
    public B timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return self();
    }

    /**
     * The JSSE provider that makes the {@code SSLContext} and engines (default: the JDK's own,
     * SunJSSE). Every guarantee of the toolkit (the protocol and cipher suite policy, hostname
     * verification, limits, timeouts, close_notify handling, the failure reasons) holds on the
     * providers it is tested with, Conscrypt and Bouncy Castle JSSE; {@code build()} refuses a
     * provider that cannot enable the configured protocols or any of the cipher suites.
     *
     * <pre>{@code
     * TlsConfig fast = TlsConfig.server(keyMaterial)
     *     .provider(Conscrypt.newProvider())        // BoringSSL inside
     *     .build();
     * }</pre>
     */
    public B provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return self();
    }

    /**
     * The JSSE provider by name: {@code "jdk"} (the default, SunJSSE), {@code "conscrypt"}
     * (needs {@code org.conscrypt:conscrypt-openjdk-uber} on the class path and its native library
     * for this platform), {@code "bc"} (needs {@code org.bouncycastle:bctls-jdk18on}), or the name
     * of a provider installed with {@link java.security.Security}. A provider that is missing or
     * cannot load fails here, with one line that says why.
     *
     * @throws IllegalArgumentException if no provider has that name
     * @throws IllegalStateException if the provider's library is missing or cannot load
     */
    public B provider(String name) {
      Objects.requireNonNull(name, "name");
      this.provider = TlsProviders.named(name);
      return self();
    }

    /**
     * The protocol versions to enable, from {@code "TLSv1.3"} and {@code "TLSv1.2"}; older
     * versions are not offered at all because they lack AEAD-only cipher suites.
     */
    public B protocols(String... protocols) {
      checkArgument(protocols.length > 0, "at least one protocol is needed");
      for (String protocol : protocols) {
        checkArgument(
            DEFAULT_PROTOCOLS.contains(protocol),
            "unsupported protocol '%s': use TLSv1.3 and/or TLSv1.2",
            protocol);
      }
      this.protocols = List.of(protocols);
      return self();
    }

    /**
     * The cipher suites to enable, in preference order; must be a subset of {@link
     * TlsConfig#DEFAULT_CIPHER_SUITES} (forward secret, authenticated encryption).
     */
    public B cipherSuites(String... suites) {
      checkArgument(suites.length > 0, "at least one cipher suite is needed");
      for (String suite : suites) {
        checkArgument(
            DEFAULT_CIPHER_SUITES.contains(suite),
            "cipher suite '%s' is not allowed; choose from %s",
            suite,
            DEFAULT_CIPHER_SUITES);
      }
      this.cipherSuites = List.of(suites);
      return self();
    }

    /**
     * How long {@code close()} lingers, after sending close_notify and half-closing, reading and
     * discarding input until the peer's close_notify or end of stream; {@value
     * TlsConfig#DEFAULT_CLOSE_NOTIFY_TIMEOUT_MILLIS} ms by default, zero to close at once. The
     * linger keeps the OS from answering unread input with a reset that could destroy data still
     * in flight to the peer; the peer sees the end of stream at once either way.
     */
    public B closeNotifyTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative(), "closeNotifyTimeout must not be negative: %s", timeout);
      this.closeNotifyTimeout = timeout;
      return self();
    }

    /**
     * Refuses peer certificates listed in these certificate revocation lists (PEM or DER, as
     * {@link CertificateAuthority#writeCrl} and {@code toolkit cert crl} write them), with {@link
     * TlsHandshakeException.Reason#CERTIFICATE_REVOKED}. A certificate whose issuer has a CRL here
     * is checked against it, and that CRL must be signed by the issuer and current; certificates
     * of other issuers are not checked. The files are read now: one that is missing, unreadable or
     * out of date (past its nextUpdate) fails with a {@link KeyMaterialException}. A {@link
     * ReloadableTlsConfig} watching files reloads them when they change. A CRL that goes out of
     * date while in use makes handshakes fail with {@link
     * TlsHandshakeException.Reason#REVOCATION_UNKNOWN} until a fresh one is loaded.
     *
     * <pre>{@code
     * TlsConfig server = TlsConfig.server(key)
     *     .clientAuth(ClientAuth.REQUIRED)
     *     .trust(TrustMaterial.fromPem(Path.of("clients-ca.pem")))
     *     .crl(Path.of("clients-ca.crl.pem"))
     *     .build();
     * }</pre>
     */
    public B crl(Path... files) throws IOException {
      checkArgument(files.length > 0, "at least one CRL file is needed");
      List<Path> list = List.of(files);
      this.revocation = RevocationLists.load(list);
      this.crlFiles = list;
      return self();
    }

    /** The most bytes a peer may send during one handshake; {@value TlsConfig#DEFAULT_MAX_HANDSHAKE_BYTES} by default. */
    public B maxHandshakeBytes(int bytes) {
      checkArgument(bytes >= 16 * 1024, "maxHandshakeBytes must be at least 16384: %s", bytes);
      this.maxHandshakeBytes = bytes;
      return self();
    }
  }

  /** Builds a client configuration. */
  public static final class ClientBuilder extends Builder<ClientBuilder> {
    private ClientBuilder() {}

    @Override
    ClientBuilder self() {
      return this;
    }

    /** The client certificate and key presented for mutual TLS. */
    public ClientBuilder keyMaterial(KeyMaterial keyMaterial) {
      this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
      return this;
    }

    /**
     * Requires the server's chain (the leaf or a CA it chains to) to contain one of these public
     * keys, in addition to normal verification. Each pin is the SHA-256 of a SubjectPublicKeyInfo
     * as base64 (optionally prefixed {@code sha256/}, as OkHttp writes it) or hex (colons
     * allowed). Get one with {@link IssuedCertificate#publicKeySha256()} or {@code openssl x509
     * -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64}.
     */
    public ClientBuilder pinSha256(String... pins) {
      for (String pin : pins) {
        this.pins.add(parsePin(pin));
      }
      return this;
    }

    /** Whether to check that the certificate names the server; on by default. Turn off only with pinning. */
    public ClientBuilder hostnameVerification(boolean enabled) {
      this.hostnameVerification = enabled;
      return this;
    }

    /** Builds the immutable configuration. */
    public TlsConfig build() {
      if (trust == null) {
        trust = TrustMaterial.system();
      }
      return new TlsConfig(this, true);
    }
  }

  /** Builds a server configuration. */
  public static final class ServerBuilder extends Builder<ServerBuilder> {
    private ServerBuilder(KeyMaterial keyMaterial) {
      this.keyMaterial = keyMaterial;
    }

    @Override
    ServerBuilder self() {
      return this;
    }

    /**
     * Presents {@code keyMaterial} to clients that ask for {@code hostName} via SNI; {@code
     * *.example.com} matches one label. Clients asking for another name, or none, get the default.
     */
    public ServerBuilder sniKeyMaterial(String hostName, KeyMaterial keyMaterial) {
      Objects.requireNonNull(hostName, "hostName");
      Objects.requireNonNull(keyMaterial, "keyMaterial");
      checkArgument(!hostName.isBlank(), "hostName is blank");
      sniKeyMaterial.put(hostName.toLowerCase(Locale.ROOT), keyMaterial);
      return this;
    }

    /** Whether to ask clients for certificates; {@link ClientAuth#NONE} by default. */
    public ServerBuilder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /** Builds the immutable configuration. */
    public TlsConfig build() {
      checkState(
          clientAuth == ClientAuth.NONE || trust != null,
          "clientAuth %s needs trust(...) for client certificates",
          clientAuth);
      if (trust == null) {
        trust = TrustMaterial.system();
      }
      return new TlsConfig(this, false);
    }
  }

  static byte[] parsePin(String pin) {
    Objects.requireNonNull(pin, "pin");
    String text = pin.trim();
    if (text.startsWith("sha256/")) {
      text = text.substring("sha256/".length());
    }
    String hex = text.replace(":", "");
    if (hex.length() == 64 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      byte[] bytes = new byte[32];
      for (int i = 0; i < 32; i++) {
        bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
      }
      return bytes;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pin is neither base64 nor hex SHA-256: '" + pin + "'", e);
    }
    checkArgument(bytes.length == 32, "pin '%s' is %s bytes, not a 32-byte SHA-256", pin, bytes.length);
    return Arrays.copyOf(bytes, 32);
  }
}
