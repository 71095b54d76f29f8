package dev.sockettoolkit.core;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.net.InetAddresses;
import dev.sockettoolkit.core.ProxyHeader.Command;
import dev.sockettoolkit.core.ProxyHeader.Ssl;
import dev.sockettoolkit.core.ProxyHeader.Tlv;
import dev.sockettoolkit.core.ProxyHeaderException.Rule;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads and writes {@link ProxyHeader}s. Parsing is strict and never reads past the header: it
 * refuses as soon as the bytes seen cannot start a valid header, so a peer that is not a proxy is
 * turned away on its first byte.
 */
final class ProxyHeaderCodec {
  private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2_PREAMBLE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };
  private static final int V2_FIXED = 16;
  private static final int IPV4_BLOCK = 12;
  private static final int IPV6_BLOCK = 36;
  private static final int UNIX_BLOCK = 216;
  private static final int MAX_UNIQUE_ID = 128;

  private ProxyHeaderCodec() {}

  // ---- parsing ----

  static ProxyHeader parse(ByteBuffer in, ProxyProtocol accepted, SocketAddress from)
      throws ProxyHeaderException {
    int start = in.position();
    int available = in.remaining();
    if (available == 0) {
      return null;
    }
    byte first = in.get(start);
    boolean v1 = first == V1_PREFIX[0] && accepted != ProxyProtocol.V2;
    boolean v2 = first == V2_PREAMBLE[0] && accepted != ProxyProtocol.V1;
    byte[] prefix = v1 ? V1_PREFIX : V2_PREAMBLE;
    if (!(v1 || v2) || !startsWith(in, prefix)) {
      throw new ProxyHeaderException(
          Rule.MISSING_HEADER,
          "the connection does not start with a PROXY protocol " + expected(accepted)
              + " header (first bytes: " + printable(in, 16) + ")");
    }
    ProxyHeader header = v1 ? parseV1(in) : parseV2(in);
    if (header == null) {
      in.position(start);
      return null;
    }
    return header.receivedAs(v1 ? ProxyProtocol.V1 : ProxyProtocol.V2, from);
  }

  private static String expected(ProxyProtocol accepted) {
    return switch (accepted) {
      case V1 -> "v1";
      case V2 -> "v2";
      case ANY -> "v1 or v2";
    };
  }

  /** Whether the bytes so far agree with {@code prefix} (fewer bytes than the prefix may). */
  private static boolean startsWith(ByteBuffer in, byte[] prefix) {
    int n = Math.min(prefix.length, in.remaining());
    for (int i = 0; i < n; i++) {
      if (in.get(in.position() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static ProxyHeader parseV1(ByteBuffer in) throws ProxyHeaderException {
    int start = in.position();
    int scan = Math.min(in.remaining(), ProxyHeader.MAX_V1_LENGTH);
    int lf = -1;
    for (int i = 0; i < scan; i++) {
      byte b = in.get(start + i);
      if (b == '\n') {
        lf = i;
        break;
      }
      if (b != '\r' && (b < 0x20 || b > 0x7e)) {
        throw v1Malformed("byte 0x" + Integer.toHexString(b & 0xff) + " at offset " + i);
      }
    }
    if (lf < 0) {
      if (in.remaining() >= ProxyHeader.MAX_V1_LENGTH) {
        throw new ProxyHeaderException(
            Rule.V1_TOO_LONG,
            "no end of line within the first " + ProxyHeader.MAX_V1_LENGTH
                + " bytes of a PROXY v1 header (the specification's limit)");
      }
      return null;
    }
    if (lf == 0 || in.get(start + lf - 1) != '\r') {
      throw v1Malformed("the line does not end with \\r\\n");
    }
    byte[] line = new byte[lf - 1];
    in.get(start, line);
    String text = new String(line, StandardCharsets.US_ASCII);
    if (text.indexOf('\r') >= 0) {
      throw v1Malformed("a \\r inside the line");
    }
    String[] parts = text.split(" ", -1);
    ProxyHeader header;
    if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
      header = ProxyHeader.unknown(); // the rest of an UNKNOWN line is ignored, as specified
    } else if (parts.length == 6 && (parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
      boolean ipv4 = parts[1].equals("TCP4");
      InetAddress source = v1Address(parts[2], ipv4);
      InetAddress destination = v1Address(parts[3], ipv4);
      header = ProxyHeader.proxied(
          new InetSocketAddress(source, v1Port(parts[4])),
          new InetSocketAddress(destination, v1Port(parts[5])));
    } else {
      throw v1Malformed("expected 'PROXY TCP4|TCP6 SRC DST SPORT DPORT' or 'PROXY UNKNOWN', got '"
          + text + "'");
    }
    in.position(start + lf + 1);
    return header;
  }

  private static InetAddress v1Address(String text, boolean ipv4) throws ProxyHeaderException {
    boolean looksV4 = text.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    boolean looksV6 = text.matches("[0-9A-Fa-f:.]{2,45}") && text.indexOf(':') >= 0;
    if (ipv4 ? looksV4 : looksV6) {
      try {
        InetAddress address = InetAddresses.forString(text);
        if (ipv4) {
          return address;
        }
        // Guava turns ::ffff:a.b.c.d into an IPv4 address; a TCP6 line keeps both sides IPv6.
        return address instanceof Inet4Address mapped ? ipv4Mapped(mapped) : address;
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw v1Malformed("'" + text + "' is not an " + (ipv4 ? "IPv4" : "IPv6") + " address");
  }

  private static InetAddress ipv4Mapped(Inet4Address address) {
    byte[] raw = new byte[16];
    raw[10] = (byte) 0xff;
    raw[11] = (byte) 0xff;
    System.arraycopy(address.getAddress(), 0, raw, 12, 4);
    try {
      return Inet6Address.getByAddress(null, raw, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an address", e);
    }
  }

  private static int v1Port(String text) throws ProxyHeaderException {
    if (text.matches("0|[1-9][0-9]{0,4}")) {
      int port = Integer.parseInt(text);
      if (port <= 65535) {
        return port;
      }
    }
    throw v1Malformed("'" + text + "' is not a port (0 to 65535, no leading zeros)");
  }

  private static ProxyHeaderException v1Malformed(String detail) {
    return new ProxyHeaderException(Rule.V1_MALFORMED, "malformed PROXY v1 header: " + detail);
  }

  private static ProxyHeaderException v2Malformed(String detail) {
    return new ProxyHeaderException(Rule.V2_MALFORMED, "malformed PROXY v2 header: " + detail);
  }

  private static ProxyHeader parseV2(ByteBuffer in) throws ProxyHeaderException {
    int start = in.position();
    if (in.remaining() < V2_FIXED) {
      return null;
    }
    int versionCommand = in.get(start + 12) & 0xff;
    int family = in.get(start + 13) & 0xff;
    int length = in.getShort(start + 14) & 0xffff;
    if ((versionCommand >> 4) != 2) {
      throw v2Malformed("version " + (versionCommand >> 4) + " (expected 2)");
    }
    int commandBits = versionCommand & 0x0f;
    if (commandBits > 1) {
      throw v2Malformed("command " + commandBits + " (expected 0, LOCAL, or 1, PROXY)");
    }
    if (length > ProxyHeader.MAX_V2_LENGTH) {
      throw new ProxyHeaderException(
          Rule.V2_TOO_LONG,
          "PROXY v2 header declares " + length + " bytes, more than the limit of "
              + ProxyHeader.MAX_V2_LENGTH);
    }
    if (in.remaining() < V2_FIXED + length) {
      return null;
    }
    int end = start + V2_FIXED + length;
    ProxyHeader header;
    if (commandBits == 0) {
      // LOCAL: the specification says to discard the address block and its TLVs.
      header = ProxyHeader.local();
    } else {
      int blockStart = start + V2_FIXED;
      int addressLength;
      InetSocketAddress source = null;
      InetSocketAddress destination = null;
      switch (family) {
        case 0x00 -> addressLength = 0;
        case 0x11 -> {
          addressLength = requireBlock(length, IPV4_BLOCK, "IPv4");
          source = v2Address(in, blockStart, 4, blockStart + 8);
          destination = v2Address(in, blockStart + 4, 4, blockStart + 10);
        }
        case 0x21 -> {
          addressLength = requireBlock(length, IPV6_BLOCK, "IPv6");
          source = v2Address(in, blockStart, 16, blockStart + 32);
          destination = v2Address(in, blockStart + 16, 16, blockStart + 34);
        }
        case 0x31 -> addressLength = requireBlock(length, UNIX_BLOCK, "Unix-domain");
        case 0x12, 0x22, 0x32 -> throw v2Malformed(
            "a datagram transport (family byte 0x" + Integer.toHexString(family) + ") on a stream");
        default -> throw v2Malformed("unknown address family byte 0x" + Integer.toHexString(family));
      }
      List<Tlv> tlvs = tlvs(in, blockStart + addressLength, end, true);
      header = new ProxyHeader(null, Command.PROXY, source, destination, tlvs, null);
      checkCrc(in, start, end, tlvs, blockStart + addressLength);
    }
    in.position(end);
    return header;
  }

  private static int requireBlock(int length, int block, String family) throws ProxyHeaderException {
    if (length < block) {
      throw v2Malformed("declared length " + length + " is shorter than the " + family
          + " address block (" + block + " bytes)");
    }
    return block;
  }

  private static InetSocketAddress v2Address(ByteBuffer in, int at, int size, int portAt) {
    byte[] raw = new byte[size];
    in.get(at, raw);
    try {
      InetAddress address = size == 4 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
      return new InetSocketAddress(address, in.getShort(portAt) & 0xffff);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  /** The TLVs between {@code from} and {@code end}; each must fit before {@code end}. */
  private static List<Tlv> tlvs(ByteBuffer in, int from, int end, boolean top) throws ProxyHeaderException {
    List<Tlv> tlvs = new ArrayList<>();
    int at = from;
    while (at < end) {
      if (end - at < 3) {
        throw v2Malformed((end - at) + " stray byte(s) where a TLV header (3 bytes) should be");
      }
      int type = in.get(at) & 0xff;
      int length = in.getShort(at + 1) & 0xffff;
      if (length > end - at - 3) {
        throw v2Malformed("TLV 0x" + Integer.toHexString(type) + " declares " + length
            + " bytes but only " + (end - at - 3) + " remain within the header's declared length");
      }
      byte[] value = new byte[length];
      in.get(at + 3, value);
      if (top) {
        checkTlv(type, value);
      }
      tlvs.add(new Tlv(type, value));
      at += 3 + length;
    }
    return tlvs;
  }

  private static void checkTlv(int type, byte[] value) throws ProxyHeaderException {
    switch (type) {
      case ProxyHeader.TLV_AUTHORITY -> utf8(value, "authority");
      case ProxyHeader.TLV_CRC32C -> {
        if (value.length != 4) {
          throw v2Malformed("CRC32C TLV of " + value.length + " bytes (expected 4)");
        }
      }
      case ProxyHeader.TLV_UNIQUE_ID -> {
        if (value.length > MAX_UNIQUE_ID) {
          throw v2Malformed("unique id of " + value.length + " bytes (at most " + MAX_UNIQUE_ID + ")");
        }
      }
      case ProxyHeader.TLV_SSL -> {
        if (value.length < 5) {
          throw v2Malformed("SSL TLV of " + value.length + " bytes (at least 5)");
        }
        ByteBuffer ssl = ByteBuffer.wrap(value);
        for (Tlv sub : tlvs(ssl, 5, value.length, false)) {
          utf8(sub.value(), "SSL sub-TLV 0x" + Integer.toHexString(sub.type()));
        }
      }
      default -> {
        // other types, including NOOP and custom ones, are carried as they are
      }
    }
  }

  private static void utf8(byte[] value, String what) throws ProxyHeaderException {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw v2Malformed(what + " is not valid UTF-8");
    }
  }

  private static void checkCrc(ByteBuffer in, int start, int end, List<Tlv> tlvs, int tlvStart)
      throws ProxyHeaderException {
    int at = tlvStart;
    for (Tlv tlv : tlvs) {
      if (tlv.type() == ProxyHeader.TLV_CRC32C) {
        int expected = in.getInt(at + 3);
        CRC32C crc = new CRC32C();
        byte[] whole = new byte[end - start];
        in.get(start, whole);
        int valueAt = at + 3 - start;
        for (int i = 0; i < 4; i++) {
          whole[valueAt + i] = 0;
        }
        crc.update(whole);
        if ((int) crc.getValue() != expected) {
          throw v2Malformed("CRC32C checksum does not match the header");
        }
        return;
      }
      at += 3 + tlv.value().length;
    }
  }

  static Ssl ssl(byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    String version = null;
    String commonName = null;
    String cipher = null;
    try {
      for (Tlv sub : tlvs(in, 5, value.length, false)) {
        String text = new String(sub.value(), StandardCharsets.UTF_8);
        switch (sub.type()) {
          case 0x21 -> version = text;
          case 0x22 -> commonName = text;
          case 0x23 -> cipher = text;
          default -> {
            // signature and key algorithms: not exposed
          }
        }
      }
    } catch (ProxyHeaderException e) {
      throw new IllegalStateException("the SSL TLV was checked when the header was read", e);
    }
    return new Ssl(in.get(0) & 0xff, in.getInt(1), version, commonName, cipher);
  }

  /** At most {@code max} bytes from the position, as text where printable and {@code \xNN} elsewhere. */
  private static String printable(ByteBuffer in, int max) {
    StringBuilder s = new StringBuilder("'");
    int n = Math.min(max, in.remaining());
    for (int i = 0; i < n; i++) {
      int b = in.get(in.position() + i) & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
        s.append((char) b);
      } else {
        s.append(String.format("\\x%02x", b));
      }
    }
    return s.append(n < in.remaining() ? "'..." : "'").toString();
  }

  // ---- writing ----

  static ByteBuffer encodeV1(ProxyHeader header) {
    checkState(header.command() == Command.PROXY, "PROXY v1 cannot express LOCAL; use V2");
    checkState(header.tlvs().isEmpty(), "PROXY v1 cannot carry TLVs; use V2");
    String line;
    if (header.source().isEmpty()) {
      line = "PROXY UNKNOWN\r\n";
    } else {
      InetSocketAddress source = header.source().get();
      InetSocketAddress destination = header.destination().orElseThrow();
      line = "PROXY " + (source.getAddress() instanceof Inet4Address ? "TCP4 " : "TCP6 ")
          + InetAddresses.toAddrString(source.getAddress()) + " "
          + InetAddresses.toAddrString(destination.getAddress()) + " "
          + source.getPort() + " " + destination.getPort() + "\r\n";
    }
    return ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
  }

  static ByteBuffer encodeV2(ProxyHeader header) {
    int addressLength = 0;
    int family = 0x00;
    if (header.source().isPresent()) {
      boolean ipv4 = header.source().get().getAddress() instanceof Inet4Address;
      addressLength = ipv4 ? IPV4_BLOCK : IPV6_BLOCK;
      family = ipv4 ? 0x11 : 0x21;
    }
    int length = addressLength;
    for (Tlv tlv : header.tlvs()) {
      length += 3 + tlv.value().length;
    }
    checkState(length <= 0xffff, "the TLVs make the header longer than 65535 bytes");
    ByteBuffer out = ByteBuffer.allocate(V2_FIXED + length);
    out.put(V2_PREAMBLE);
    out.put((byte) (header.command() == Command.LOCAL ? 0x20 : 0x21));
    out.put((byte) family);
    out.putShort((short) length);
    if (addressLength > 0) {
      InetSocketAddress source = header.source().get();
      InetSocketAddress destination = header.destination().orElseThrow();
      out.put(source.getAddress().getAddress());
      out.put(destination.getAddress().getAddress());
      out.putShort((short) source.getPort());
      out.putShort((short) destination.getPort());
    }
    int crcAt = -1;
    for (Tlv tlv : header.tlvs()) {
      byte[] value = tlv.value();
      out.put((byte) tlv.type());
      out.putShort((short) value.length);
      if (tlv.type() == ProxyHeader.TLV_CRC32C && value.length == 4 && crcAt < 0) {
        crcAt = out.position();
        value = new byte[4];
      }
      out.put(value);
    }
    if (crcAt >= 0) {
      CRC32C crc = new CRC32C();
      crc.update(out.array(), 0, out.position());
      out.putInt(crcAt, (int) crc.getValue());
    }
    return out.flip();
  }
}
