package dev.sockettoolkit.tls;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Checks TLS record headers before the engine sees them, so garbage, plaintext and oversized
 * records fail fast with a clear message, and so no buffer grows with what a peer claims.
 */
final class TlsRecords {
  static final int HEADER_LENGTH = 5;
  /** The largest TLSCiphertext fragment any version allows (RFC 5246: 2^14 + 2048). */
  static final int MAX_FRAGMENT_LENGTH = 16384 + 2048;
  static final int MAX_RECORD_LENGTH = HEADER_LENGTH + MAX_FRAGMENT_LENGTH;
  static final int CHANGE_CIPHER_SPEC = 20;
  static final int ALERT = 21;
  static final int HANDSHAKE = 22;
  static final int APPLICATION_DATA = 23;
  /** Bytes of a non-TLS prefix shown in an error message: enough to recognise HTTP, no more. */
  private static final int DIAGNOSTIC_BYTES = 32;

  private TlsRecords() {}

  /**
   * The length of the complete record at {@code buffer}'s position (header included), or -1 if
   * more bytes are needed. Throws if the header cannot start a valid TLS record.
   *
   * @param first whether this is the first record from the peer, which must be a handshake (or
   *     for a client, possibly an alert)
   * @param peer the peer, for messages: its {@code toString} is called only if a message is made
   */
  static int completeRecordLength(ByteBuffer buffer, boolean first, boolean client, Object peer)
      throws TlsHandshakeException {
    int available = buffer.remaining();
    if (available == 0) {
      return -1;
    }
    int p = buffer.position();
    int type = buffer.get(p) & 0xff;
    if (first && type == ALERT && !client) {
      return firstAlert(buffer, peer);
    }
    if (first && type != HANDSHAKE && !(client && type == ALERT)) {
      throw notTls(buffer, peer, client);
    }
    if (type < CHANGE_CIPHER_SPEC || type > 24) {
      throw notTls(buffer, peer, client);
    }
    if (available < HEADER_LENGTH) {
      if (available >= 2 && (buffer.get(p + 1) & 0xff) != 3) {
        throw notTls(buffer, peer, client);
      }
      return -1;
    }
    int major = buffer.get(p + 1) & 0xff;
    int minor = buffer.get(p + 2) & 0xff;
    if (major != 3 || minor > 4) {
      throw notTls(buffer, peer, client);
    }
    int length = ((buffer.get(p + 3) & 0xff) << 8) | (buffer.get(p + 4) & 0xff);
    if (length > MAX_FRAGMENT_LENGTH) {
      throw new TlsHandshakeException(
          first ? Reason.NOT_TLS : Reason.LIMIT_EXCEEDED,
          "a TLS record of " + length + " bytes from " + peer + " exceeds the protocol limit of "
              + MAX_FRAGMENT_LENGTH,
          null);
    }
    return available >= HEADER_LENGTH + length ? HEADER_LENGTH + length : -1;
  }

  /** {@link #clientCertificateMessage}: the flight starts with no Certificate message. */
  static final int NO_CERTIFICATE_MESSAGE = -1;
  /** {@link #clientCertificateMessage}: a Certificate message with an empty certificate list. */
  static final int EMPTY_CERTIFICATE = 0;
  /** {@link #clientCertificateMessage}: a Certificate message with at least one certificate. */
  static final int CERTIFICATES = 1;

  /**
   * Whether a TLS 1.2 client's second flight, in plaintext from {@code flight}'s position to its
   * limit, starts with a Certificate message (handshake type 11), and whether its list is empty.
   * A TLS 1.2 client sends that message only when the server asked for a certificate, so this
   * tells a later alert's meaning; TLS 1.3 flights are encrypted and never match.
   */
  static int clientCertificateMessage(ByteBuffer flight) {
    int p = flight.position();
    if (flight.remaining() < HEADER_LENGTH + 7
        || (flight.get(p) & 0xff) != HANDSHAKE
        || (flight.get(p + 1) & 0xff) != 3
        || (flight.get(p + HEADER_LENGTH) & 0xff) != 11) {
      return NO_CERTIFICATE_MESSAGE;
    }
    int q = p + HEADER_LENGTH + 4;
    int listLength = ((flight.get(q) & 0xff) << 16) | ((flight.get(q + 1) & 0xff) << 8) | (flight.get(q + 2) & 0xff);
    return listLength == 0 ? EMPTY_CERTIFICATE : CERTIFICATES;
  }

  /**
   * A client's first record is an alert: it gave up before (or instead of) its ClientHello, as
   * OpenSSL does when its own configuration allows nothing to offer. Named, with its description,
   * once the two alert bytes are in; -1 until then. A record that cannot be an alert (not TLS 3.x,
   * not two bytes long) is not TLS.
   */
  private static int firstAlert(ByteBuffer buffer, Object peer) throws TlsHandshakeException {
    int p = buffer.position();
    int available = buffer.remaining();
    if (available >= 2 && (buffer.get(p + 1) & 0xff) != 3) {
      throw notTls(buffer, peer, false);
    }
    if (available >= 3 && (buffer.get(p + 2) & 0xff) > 4) {
      throw notTls(buffer, peer, false);
    }
    if (available >= HEADER_LENGTH
        && (((buffer.get(p + 3) & 0xff) << 8) | (buffer.get(p + 4) & 0xff)) != 2) {
      throw notTls(buffer, peer, false);
    }
    if (available < HEADER_LENGTH + 2) {
      return -1;
    }
    int level = buffer.get(p + HEADER_LENGTH) & 0xff;
    int description = buffer.get(p + HEADER_LENGTH + 1) & 0xff;
    Reason reason =
        switch (description) {
          case 70 -> Reason.PROTOCOL_VERSION;
          case 40, 71 -> Reason.NO_COMMON_PARAMETERS;
          default -> Reason.PEER_CLOSED;
        };
    throw new TlsHandshakeException(
        reason,
        "the client " + peer + " sent a TLS alert instead of a ClientHello: "
            + alertLevel(level) + " alert " + alertName(description) + " (" + description
            + "); it gave up before the handshake began (see its own error)",
        null);
  }

  static String alertLevel(int level) {
    return switch (level) {
      case 1 -> "warning";
      case 2 -> "fatal";
      default -> "level-" + level;
    };
  }

  /** The name RFC 8446 and RFC 5246 give an alert description, or "unknown". */
  static String alertName(int description) {
    return switch (description) {
      case 0 -> "close_notify";
      case 10 -> "unexpected_message";
      case 20 -> "bad_record_mac";
      case 21 -> "decryption_failed";
      case 22 -> "record_overflow";
      case 30 -> "decompression_failure";
      case 40 -> "handshake_failure";
      case 41 -> "no_certificate";
      case 42 -> "bad_certificate";
      case 43 -> "unsupported_certificate";
      case 44 -> "certificate_revoked";
      case 45 -> "certificate_expired";
      case 46 -> "certificate_unknown";
      case 47 -> "illegal_parameter";
      case 48 -> "unknown_ca";
      case 49 -> "access_denied";
      case 50 -> "decode_error";
      case 51 -> "decrypt_error";
      case 60 -> "export_restriction";
      case 70 -> "protocol_version";
      case 71 -> "insufficient_security";
      case 80 -> "internal_error";
      case 86 -> "inappropriate_fallback";
      case 90 -> "user_canceled";
      case 100 -> "no_renegotiation";
      case 109 -> "missing_extension";
      case 110 -> "unsupported_extension";
      case 111 -> "certificate_unobtainable";
      case 112 -> "unrecognized_name";
      case 113 -> "bad_certificate_status_response";
      case 114 -> "bad_certificate_hash_value";
      case 115 -> "unknown_psk_identity";
      case 116 -> "certificate_required";
      case 120 -> "no_application_protocol";
      default -> "unknown";
    };
  }

  private static TlsHandshakeException notTls(ByteBuffer buffer, Object peer, boolean client) {
    String who = client ? "the server " + peer : "the client " + peer;
    String guess = guess(buffer);
    return new TlsHandshakeException(
        Reason.NOT_TLS,
        who + " sent bytes that are not a TLS record: " + describe(buffer) + guess,
        null);
  }

  private static String guess(ByteBuffer buffer) {
    String start = ascii(buffer, 8).toUpperCase(Locale.ROOT);
    if (start.startsWith("GET ") || start.startsWith("POST ") || start.startsWith("HTTP/")
        || start.startsWith("PUT ") || start.startsWith("HEAD ")) {
      return " (plaintext HTTP on a TLS port?)";
    }
    if ((buffer.get(buffer.position()) & 0x80) != 0) {
      return " (an SSLv2 hello? only TLS 1.2 and 1.3 are accepted)";
    }
    return " (plaintext, or a different protocol on this port)";
  }

  /** The first bytes as hex and printable text, capped at {@value #DIAGNOSTIC_BYTES} bytes. */
  static String describe(ByteBuffer buffer) {
    int n = Math.min(DIAGNOSTIC_BYTES, buffer.remaining());
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < n; i++) {
      hex.append(String.format(Locale.ROOT, "%02x", buffer.get(buffer.position() + i) & 0xff));
      if (i + 1 < n) {
        hex.append(' ');
      }
    }
    return "first " + n + " byte(s) " + hex + " \"" + ascii(buffer, n) + "\""
        + (buffer.remaining() > n ? " ..." : "");
  }

  private static String ascii(ByteBuffer buffer, int max) {
    int n = Math.min(max, buffer.remaining());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int b = buffer.get(buffer.position() + i) & 0xff;
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return text.toString();
  }
}
