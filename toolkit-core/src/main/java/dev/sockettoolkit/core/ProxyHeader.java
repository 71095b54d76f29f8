package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A PROXY protocol header (HAProxy's specification, versions 1 and 2): the original client and
 * destination of a connection that came through a proxy, and, in version 2, extra values (TLVs)
 * such as the ALPN protocol, the authority (SNI) and TLS details of the client's connection.
 *
 * <p>A {@link Server} with {@link Server.Builder#proxyProtocol} reads the header before anything
 * else; the handler's {@link Connection#remoteAddress()} is then the original client, and {@link
 * Connection#proxyHeader()} returns this value:
 *
 * <pre>{@code
 * ConnectionHandler handler = connection -> {
 *   Optional<String> sni = connection.proxyHeader().flatMap(ProxyHeader::authority);
 *   // ...
 * };
 * }</pre>
 *
 * <p>A client (a proxy of your own, a test) writes one as the first bytes of a connection:
 *
 * <pre>{@code
 * try (Connection connection = Client.connect("backend:7000")) {
 *   connection.write(ProxyHeader.proxied(clientAddress, listenerAddress).encode(ProxyProtocol.V2));
 *   // ... then the client's bytes
 * }
 * }</pre>
 *
 * <p>Immutable. A header either carries both addresses ({@link #source()} and {@link
 * #destination()} present) or none: a v2 {@code LOCAL} header (a proxy's own health check), a v1
 * {@code UNKNOWN} line or a v2 header of an unspecified or Unix-domain family; a server then keeps
 * the connection's own addresses.
 */
public final class ProxyHeader {
  /** TLV type of the application protocol (ALPN) the client negotiated. */
  public static final int TLV_ALPN = 0x01;
  /** TLV type of the host name the client asked for (TLS SNI, or the HTTP authority). */
  public static final int TLV_AUTHORITY = 0x02;
  /**
   * TLV type of the CRC-32C checksum of the whole header: checked when read; when written, a TLV
   * of this type (any four bytes) is filled in with the checksum.
   */
  public static final int TLV_CRC32C = 0x03;
  /** TLV type of padding, ignored. */
  public static final int TLV_NOOP = 0x04;
  /** TLV type of the connection's unique id (at most 128 bytes). */
  public static final int TLV_UNIQUE_ID = 0x05;
  /** TLV type of the TLS details of the client's connection to the proxy. */
  public static final int TLV_SSL = 0x20;
  /** The largest v2 header length (the bytes after the 16 fixed ones) a server accepts. */
  public static final int MAX_V2_LENGTH = 2048;
  /** The longest v1 line, {@code \r\n} included, that the specification allows. */
  public static final int MAX_V1_LENGTH = 107;

  /** What the proxy says about the connection. */
  public enum Command {
    /** The connection is relayed for a client, whose addresses the header may carry. */
    PROXY,
    /** The proxy itself connected (a health check); use the connection's own addresses. */
    LOCAL
  }

  /** One type-length-value entry of a v2 header. */
  public record Tlv(int type, byte[] value) {
    /** Checks the type (0 to 255) and the length (at most 65535 bytes) and copies the value. */
    public Tlv {
      checkArgument(type >= 0 && type <= 0xff, "TLV type must be 0..255, got %s", type);
      checkArgument(value.length <= 0xffff, "TLV value must be at most 65535 bytes, got %s", value.length);
      value = value.clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tlv t && t.type == type && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Tlv[" + type + ", " + value.length + " bytes]";
    }
  }

  /**
   * The TLS details (the {@link #TLV_SSL} TLV) of the client's connection to the proxy.
   *
   * @param client the client flags: 1 connected over TLS, 2 sent a certificate on this
   *     connection, 4 sent one in this session
   * @param verify 0 when the client's certificate was verified
   * @param version the TLS version (such as {@code TLSv1.3}), or null if absent
   * @param commonName the CN of the client certificate's subject, or null if absent
   * @param cipher the cipher suite, or null if absent
   */
  public record Ssl(int client, int verify, String version, String commonName, String cipher) {
    /** Whether the client reached the proxy over TLS. */
    public boolean overTls() {
      return (client & 1) != 0;
    }
  }

  private final ProxyProtocol version;
  private final Command command;
  private final InetSocketAddress source;
  private final InetSocketAddress destination;
  private final List<Tlv> tlvs;
  private final SocketAddress receivedFrom;

  ProxyHeader(
      ProxyProtocol version,
      Command command,
      InetSocketAddress source,
      InetSocketAddress destination,
      List<Tlv> tlvs,
      SocketAddress receivedFrom) {
    this.version = version;
    this.command = command;
    this.source = source;
    this.destination = destination;
    this.tlvs = List.copyOf(tlvs);
    this.receivedFrom = receivedFrom;
  }

  /**
   * A {@code PROXY} header for a connection from {@code source} (the client) to {@code
   * destination} (where the client connected). Both must be resolved and of the same family.
   */
  public static ProxyHeader proxied(InetSocketAddress source, InetSocketAddress destination) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    checkArgument(!source.isUnresolved() && !destination.isUnresolved(), "addresses must be resolved");
    checkArgument(
        (source.getAddress() instanceof Inet4Address) == (destination.getAddress() instanceof Inet4Address),
        "source %s and destination %s must both be IPv4 or both IPv6", source, destination);
    return new ProxyHeader(null, Command.PROXY, source, destination, List.of(), null);
  }

  /** A {@code PROXY} header without addresses (v1 {@code UNKNOWN}, v2 unspecified family). */
  public static ProxyHeader unknown() {
    return new ProxyHeader(null, Command.PROXY, null, null, List.of(), null);
  }

  /** A v2 {@code LOCAL} header: the proxy connected on its own behalf, for a health check. */
  public static ProxyHeader local() {
    return new ProxyHeader(null, Command.LOCAL, null, null, List.of(), null);
  }

  /** This header with one more TLV (v2 only; not for {@code LOCAL}). */
  public ProxyHeader withTlv(int type, byte[] value) {
    checkState(command == Command.PROXY, "a LOCAL header carries no TLVs");
    List<Tlv> more = new ArrayList<>(tlvs);
    more.add(new Tlv(type, value));
    return new ProxyHeader(version, command, source, destination, more, receivedFrom);
  }

  /**
   * Reads a header from the start of {@code bytes} (position to limit) and moves the position past
   * it; returns null, leaving the position, when more bytes are needed. Accepts the versions of
   * {@code accepted}; bytes after the header belong to the connection and are left in place.
   *
   * @throws ProxyHeaderException if the bytes cannot be the start of a valid header
   */
  public static ProxyHeader parse(ByteBuffer bytes, ProxyProtocol accepted) throws ProxyHeaderException {
    return ProxyHeaderCodec.parse(bytes, accepted, null);
  }

  /**
   * The header's bytes in {@code version} (V1 or V2), ready to write as the first bytes of a
   * connection. V1 cannot carry TLVs nor the LOCAL command.
   *
   * @throws IllegalStateException if this header cannot be written in {@code version}
   */
  public ByteBuffer encode(ProxyProtocol version) {
    Objects.requireNonNull(version, "version");
    checkArgument(version != ProxyProtocol.ANY, "encode as V1 or V2, not ANY");
    return version == ProxyProtocol.V1 ? ProxyHeaderCodec.encodeV1(this) : ProxyHeaderCodec.encodeV2(this);
  }

  /** The version the header was read in; empty for a header made to be written. */
  public Optional<ProxyProtocol> version() {
    return Optional.ofNullable(version);
  }

  /** PROXY, or LOCAL for the proxy's own connections. */
  public Command command() {
    return command;
  }

  /** The original client, when the header carries addresses. */
  public Optional<InetSocketAddress> source() {
    return Optional.ofNullable(source);
  }

  /** Where the original client connected (the proxy's listener), when the header carries addresses. */
  public Optional<InetSocketAddress> destination() {
    return Optional.ofNullable(destination);
  }

  /** The proxy that sent the header, for a header a server received; empty otherwise. */
  public Optional<SocketAddress> receivedFrom() {
    return Optional.ofNullable(receivedFrom);
  }

  /** Every TLV, in the order received (v2 only; empty for v1). */
  public List<Tlv> tlvs() {
    return tlvs;
  }

  /** The value of the first TLV of {@code type}, copied. */
  public Optional<byte[]> tlv(int type) {
    for (Tlv tlv : tlvs) {
      if (tlv.type() == type) {
        return Optional.of(tlv.value());
      }
    }
    return Optional.empty();
  }

  /** The ALPN protocol the client negotiated with the proxy, such as {@code h2}. */
  public Optional<String> alpn() {
    return tlv(TLV_ALPN).map(v -> new String(v, StandardCharsets.US_ASCII));
  }

  /** The host name the client asked the proxy for (TLS SNI or HTTP authority). */
  public Optional<String> authority() {
    return tlv(TLV_AUTHORITY).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  /** The connection's unique id, as the proxy assigned it. */
  public Optional<byte[]> uniqueId() {
    return tlv(TLV_UNIQUE_ID);
  }

  /** The TLS details of the client's connection to the proxy. */
  public Optional<Ssl> ssl() {
    return tlv(TLV_SSL).map(ProxyHeaderCodec::ssl);
  }

  ProxyHeader receivedAs(ProxyProtocol version, SocketAddress from) {
    return new ProxyHeader(version, command, source, destination, tlvs, from);
  }

  /** Equal when command, addresses and TLVs are; the version and the sender are not compared. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyHeader h
        && h.command == command
        && Objects.equals(h.source, source)
        && Objects.equals(h.destination, destination)
        && h.tlvs.equals(tlvs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, source, destination, tlvs);
  }

  @Override
  public String toString() {
    return "ProxyHeader{" + (version == null ? "" : version + " ") + command
        + (source == null ? "" : " " + source + " -> " + destination)
        + (tlvs.isEmpty() ? "" : " " + tlvs) + "}";
  }
}
