package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ProxyHeaderException.Rule;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ProxyHeader}: the specification's cases one by one; the properties are in {@link ProxyHeaderProperties}. */
class ProxyHeaderTest {
  private static final InetSocketAddress SRC = new InetSocketAddress("192.0.2.1", 56324);
  private static final InetSocketAddress DST = new InetSocketAddress("192.0.2.2", 443);

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static Rule refusal(ByteBuffer bytes, ProxyProtocol accepted) {
    return assertThrows(ProxyHeaderException.class, () -> ProxyHeader.parse(bytes, accepted)).rule();
  }

  @Test
  void v1Tcp4LineGivesAddressesAndLeavesTheRest() throws Exception {
    ByteBuffer in = ascii("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\nGET /");
    ProxyHeader header = ProxyHeader.parse(in, ProxyProtocol.V1);
    assertEquals(SRC, header.source().orElseThrow());
    assertEquals(DST, header.destination().orElseThrow());
    assertEquals("GET /", StandardCharsets.US_ASCII.decode(in).toString());
    assertEquals("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n",
        StandardCharsets.US_ASCII.decode(header.encode(ProxyProtocol.V1)).toString());
  }

  @Test
  void v1UnknownKeepsNoAddressesAndIgnoresTheRestOfItsLine() throws Exception {
    ProxyHeader header = ProxyHeader.parse(ascii("PROXY UNKNOWN ffff::1 whatever\r\n"), ProxyProtocol.ANY);
    assertEquals(ProxyHeader.Command.PROXY, header.command());
    assertFalse(header.source().isPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "PROXY TCP4 192.0.2.1  192.0.2.2 1 2\r\n",        // two spaces
      "PROXY TCP4 192.0.2.01 192.0.2.2 1 2\r\n",        // leading zero
      "PROXY TCP4 192.0.2.256 192.0.2.2 1 2\r\n",       // octet over 255
      "PROXY TCP4 ::1 ::1 1 2\r\n",                      // IPv6 under TCP4
      "PROXY TCP6 192.0.2.1 192.0.2.2 1 2\r\n",         // IPv4 under TCP6
      "PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n",     // port over 65535
      "PROXY TCP4 192.0.2.1 192.0.2.2 01 2\r\n",        // port with a leading zero
      "PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n",           // a field missing
      "PROXY TCP4 192.0.2.1 192.0.2.2 1 2 3\r\n",       // a field too many
      "PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n",         // not a stream
      "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n",           // LF without CR
      "PROXY TCP4 192.0.2.1 192.0.2.2 1\r2\r\n",        // CR inside
      "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n",            // scope id
  })
  void malformedV1LinesAreRefused(String line) {
    assertEquals(Rule.V1_MALFORMED, refusal(ascii(line), ProxyProtocol.ANY));
  }

  @Test
  void wrongVersionOrNoHeaderIsRefusedOnTheFirstByte() {
    assertEquals(Rule.MISSING_HEADER, refusal(ascii("G"), ProxyProtocol.ANY));
    assertEquals(Rule.MISSING_HEADER, refusal(ascii("P"), ProxyProtocol.V2));
    assertEquals(Rule.MISSING_HEADER, refusal(ascii("\r"), ProxyProtocol.V1));
    assertEquals(Rule.MISSING_HEADER, refusal(ascii("PROXY\t"), ProxyProtocol.ANY));
  }

  @Test
  void partialHeadersNeedMoreWithoutConsuming() throws Exception {
    ByteBuffer in = ascii("PROXY TCP4 192.0.2.1");
    assertNull(ProxyHeader.parse(in, ProxyProtocol.ANY));
    assertEquals(0, in.position());
    ByteBuffer v2 = ProxyHeader.proxied(SRC, DST).encode(ProxyProtocol.V2);
    v2.limit(v2.limit() - 1);
    assertNull(ProxyHeader.parse(v2, ProxyProtocol.ANY));
  }

  private static ByteBuffer v2(int versionCommand, int family, byte[] block) {
    ByteBuffer b = ByteBuffer.allocate(16 + block.length);
    b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.put((byte) versionCommand).put((byte) family).putShort((short) block.length).put(block);
    return b.flip();
  }

  @Test
  void v2LocalDiscardsItsBlock() throws Exception {
    ProxyHeader header = ProxyHeader.parse(v2(0x20, 0x11, new byte[12]), ProxyProtocol.V2);
    assertEquals(ProxyHeader.Command.LOCAL, header.command());
    assertFalse(header.source().isPresent());
  }

  @Test
  void v2UnixFamilyKeepsTheProxysAddresses() throws Exception {
    ProxyHeader header = ProxyHeader.parse(v2(0x21, 0x31, new byte[216]), ProxyProtocol.V2);
    assertEquals(ProxyHeader.Command.PROXY, header.command());
    assertFalse(header.source().isPresent());
  }

  @Test
  void badV2HeadersAreRefused() {
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x11, 0x11, new byte[12]), ProxyProtocol.V2)); // version 1
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x22, 0x11, new byte[12]), ProxyProtocol.V2)); // command 2
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x21, 0x12, new byte[12]), ProxyProtocol.V2)); // UDP
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x21, 0x41, new byte[12]), ProxyProtocol.V2)); // family 4
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x21, 0x21, new byte[12]), ProxyProtocol.V2)); // short IPv6 block
    assertEquals(Rule.V2_MALFORMED, refusal(v2(0x21, 0x11, new byte[14]), ProxyProtocol.V2)); // stray bytes
    ByteBuffer longId = ProxyHeader.proxied(SRC, DST).withTlv(ProxyHeader.TLV_UNIQUE_ID, new byte[129]).encode(ProxyProtocol.V2);
    assertEquals(Rule.V2_MALFORMED, refusal(longId, ProxyProtocol.V2));
    ByteBuffer badAuthority = ProxyHeader.proxied(SRC, DST).withTlv(ProxyHeader.TLV_AUTHORITY, new byte[] {(byte) 0xC3}).encode(ProxyProtocol.V2);
    assertEquals(Rule.V2_MALFORMED, refusal(badAuthority, ProxyProtocol.V2));
  }

  @Test
  void crc32cIsWrittenAndChecked() throws Exception {
    ByteBuffer good = ProxyHeader.proxied(SRC, DST).withTlv(ProxyHeader.TLV_CRC32C, new byte[4]).encode(ProxyProtocol.V2);
    assertTrue(ProxyHeader.parse(good.duplicate(), ProxyProtocol.V2).tlv(ProxyHeader.TLV_CRC32C).isPresent());
    good.put(16, (byte) (good.get(16) ^ 1)); // a changed source address
    assertEquals(Rule.V2_MALFORMED, refusal(good, ProxyProtocol.V2));
  }

  @Test
  void sslAlpnAuthorityAndUniqueIdAreReadable() throws Exception {
    ByteBuffer ssl = ByteBuffer.allocate(5 + 3 + 7 + 3 + 5);
    ssl.put((byte) 0x07).putInt(0);
    ssl.put((byte) 0x21).putShort((short) 7).put("TLSv1.3".getBytes(StandardCharsets.US_ASCII));
    ssl.put((byte) 0x22).putShort((short) 5).put("alice".getBytes(StandardCharsets.US_ASCII));
    ProxyHeader sent = ProxyHeader.proxied(SRC, DST)
        .withTlv(ProxyHeader.TLV_ALPN, "h2".getBytes(StandardCharsets.US_ASCII))
        .withTlv(ProxyHeader.TLV_AUTHORITY, "example.com".getBytes(StandardCharsets.UTF_8))
        .withTlv(ProxyHeader.TLV_UNIQUE_ID, new byte[] {1, 2, 3})
        .withTlv(ProxyHeader.TLV_SSL, ssl.array());
    ProxyHeader got = ProxyHeader.parse(sent.encode(ProxyProtocol.V2), ProxyProtocol.ANY);
    assertEquals("h2", got.alpn().orElseThrow());
    assertEquals("example.com", got.authority().orElseThrow());
    assertEquals(3, got.uniqueId().orElseThrow().length);
    ProxyHeader.Ssl details = got.ssl().orElseThrow();
    assertTrue(details.overTls());
    assertEquals(0, details.verify());
    assertEquals("TLSv1.3", details.version());
    assertEquals("alice", details.commonName());
    assertNull(details.cipher());
  }

  @Test
  void writerRefusesWhatItsVersionCannotSay() {
    assertThrows(IllegalStateException.class, () -> ProxyHeader.local().encode(ProxyProtocol.V1));
    assertThrows(IllegalStateException.class,
        () -> ProxyHeader.proxied(SRC, DST).withTlv(0xE0, new byte[1]).encode(ProxyProtocol.V1));
    assertThrows(IllegalStateException.class, () -> ProxyHeader.local().withTlv(1, new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> ProxyHeader.proxied(SRC, new InetSocketAddress("::1", 1)));
    assertThrows(IllegalArgumentException.class, () -> ProxyHeader.proxied(SRC, DST).encode(ProxyProtocol.ANY));
  }
}
