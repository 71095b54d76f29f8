package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link ProxyHeader#parse}: round trips under any chunking, and garbage is refused, never guessed. */
class ProxyHeaderProperties {

  @Provide
  Arbitrary<ProxyHeader> headers() {
    Arbitrary<ProxyHeader> v4 = Combinators.combine(ipv4(), ipv4(), ports(), ports())
        .as((s, d, sp, dp) -> ProxyHeader.proxied(new InetSocketAddress(s, sp), new InetSocketAddress(d, dp)));
    Arbitrary<ProxyHeader> v6 = Combinators.combine(ipv6(), ipv6(), ports(), ports())
        .as((s, d, sp, dp) -> ProxyHeader.proxied(new InetSocketAddress(s, sp), new InetSocketAddress(d, dp)));
    Arbitrary<ProxyHeader> addressed = Arbitraries.oneOf(v4, v6, Arbitraries.just(ProxyHeader.unknown()));
    Arbitrary<List<ProxyHeader.Tlv>> tlvs = tlv().list().ofMaxSize(4);
    Arbitrary<ProxyHeader> withTlvs = Combinators.combine(addressed, tlvs).as((h, list) -> {
      ProxyHeader result = h;
      for (ProxyHeader.Tlv tlv : list) {
        result = result.withTlv(tlv.type(), tlv.value());
      }
      return result;
    });
    return Arbitraries.frequencyOf(
        Tuple.of(6, withTlvs), Tuple.of(1, Arbitraries.just(ProxyHeader.local())));
  }

  private static Arbitrary<ProxyHeader.Tlv> tlv() {
    Arbitrary<ProxyHeader.Tlv> free = Combinators.combine(
            Arbitraries.integers().between(0, 255).filter(t -> t != 2 && t != 3 && t != 5 && t != 0x20),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
        .as(ProxyHeader.Tlv::new);
    Arbitrary<ProxyHeader.Tlv> authority = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(30)
        .map(s -> new ProxyHeader.Tlv(ProxyHeader.TLV_AUTHORITY, s.getBytes(StandardCharsets.UTF_8)));
    Arbitrary<ProxyHeader.Tlv> uniqueId = Arbitraries.bytes().array(byte[].class).ofMaxSize(128)
        .map(v -> new ProxyHeader.Tlv(ProxyHeader.TLV_UNIQUE_ID, v));
    return Arbitraries.oneOf(free, authority, uniqueId);
  }

  private static Arbitrary<Integer> ports() {
    return Arbitraries.integers().between(0, 65535);
  }

  private static Arbitrary<InetAddress> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4).map(ProxyHeaderProperties::address);
  }

  private static Arbitrary<InetAddress> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16).map(raw -> {
      try {
        return (InetAddress) Inet6Address.getByAddress(null, raw, -1);
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean v1Expressible(ProxyHeader h) {
    return h.command() == ProxyHeader.Command.PROXY && h.tlvs().isEmpty();
  }

  @Property(tries = 500)
  void roundTripsUnderAnyChunking(
      @ForAll("headers") ProxyHeader header,
      @ForAll boolean v1,
      @ForAll boolean acceptAny,
      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 40) Integer> chunks,
      @ForAll @Size(max = 20) byte[] after) throws Exception {
    ProxyProtocol version = v1 && v1Expressible(header) ? ProxyProtocol.V1 : ProxyProtocol.V2;
    ByteBuffer encoded = header.encode(version);
    int headerLength = encoded.remaining();
    byte[] stream = new byte[headerLength + after.length];
    encoded.get(stream, 0, headerLength);
    System.arraycopy(after, 0, stream, headerLength, after.length);
    ProxyProtocol accepted = acceptAny ? ProxyProtocol.ANY : version;
    ByteBuffer buffer = ByteBuffer.allocate(stream.length);
    int fed = 0;
    int chunk = 0;
    while (true) {
      int size = chunks.isEmpty() ? 1 : chunks.get(chunk++ % chunks.size());
      int n = Math.min(size, stream.length - fed);
      buffer.put(stream, fed, n);
      fed += n;
      ByteBuffer view = buffer.duplicate().flip();
      ProxyHeader parsed = ProxyHeader.parse(view, accepted);
      if (parsed == null) {
        assertTrue(fed < headerLength, "a whole header must parse");
        assertEquals(0, view.position(), "need-more must not consume");
        continue;
      }
      assertTrue(fed >= headerLength, "parsed before the header was whole");
      assertEquals(header, parsed);
      assertEquals(version, parsed.version().orElseThrow());
      assertEquals(headerLength, view.position(), "exactly the header is consumed");
      return;
    }
  }

  /** Any bytes: a header, need-more, or a ProxyHeaderException; nothing else, and never beyond the input. */
  @Property(tries = 2000)
  void garbageIsRefusedNotGuessed(@ForAll("garbage") byte[] bytes, @ForAll ProxyProtocol accepted) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      ProxyHeader parsed = ProxyHeader.parse(in, accepted);
      if (parsed == null) {
        assertEquals(0, in.position());
        assertTrue(bytes.length < 16 + ProxyHeader.MAX_V2_LENGTH, "need-more beyond the bound");
      } else {
        assertTrue(in.position() <= bytes.length);
      }
    } catch (ProxyHeaderException e) {
      assertTrue(e.getMessage().length() < 400, "a bounded message");
    } catch (RuntimeException e) {
      fail("parse threw " + e + " for " + Arrays.toString(bytes), e);
    }
  }

  /** Valid headers with a byte changed, cut or extended, and plain random bytes. */
  @Provide
  Arbitrary<byte[]> garbage() {
    Arbitrary<byte[]> encoded = headers().map(h -> {
      ByteBuffer b = h.encode(ProxyProtocol.V2);
      byte[] a = new byte[b.remaining()];
      b.get(a);
      return a;
    });
    Arbitrary<byte[]> v1 = headers().filter(ProxyHeaderProperties::v1Expressible).map(h -> {
      ByteBuffer b = h.encode(ProxyProtocol.V1);
      byte[] a = new byte[b.remaining()];
      b.get(a);
      return a;
    });
    Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.oneOf(encoded, v1),
            Arbitraries.integers().between(0, 200), Arbitraries.bytes())
        .as((a, at, value) -> {
          byte[] copy = a.clone();
          copy[at % copy.length] = value;
          return copy;
        });
    Arbitrary<byte[]> cut = Combinators.combine(Arbitraries.oneOf(encoded, v1), Arbitraries.integers().between(0, 200))
        .as((a, n) -> Arrays.copyOf(a, Math.min(a.length, n)));
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Arbitraries.oneOf(mutated, cut, random);
  }

  /** A v1 line of any length over the limit is refused once 107 bytes are in, whatever follows. */
  @Property(tries = 200)
  void v1LinesOverTheLimitAreRefused(@ForAll @IntRange(min = 107, max = 2000) int length) {
    byte[] line = new byte[length];
    Arrays.fill(line, (byte) '1');
    System.arraycopy("PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, 11);
    try {
      ProxyHeader.parse(ByteBuffer.wrap(line), ProxyProtocol.ANY);
      fail("accepted a " + length + "-byte v1 line");
    } catch (ProxyHeaderException e) {
      assertEquals(ProxyHeaderException.Rule.V1_TOO_LONG, e.rule());
    }
    try {
      assertNull(ProxyHeader.parse(ByteBuffer.wrap(line, 0, 106), ProxyProtocol.ANY));
    } catch (ProxyHeaderException e) {
      fail("106 bytes without an end of line are not yet too long", e);
    }
  }

  /** A v2 header declaring more than the bound is refused from its 16 fixed bytes alone. */
  @Property(tries = 200)
  void v2HeadersOverTheBoundAreRefusedEarly(@ForAll @IntRange(min = ProxyHeader.MAX_V2_LENGTH + 1, max = 65535) int length) {
    ByteBuffer fixed = ProxyHeader.unknown().encode(ProxyProtocol.V2);
    fixed.putShort(14, (short) length);
    try {
      ProxyHeader.parse(fixed, ProxyProtocol.V2);
      fail("accepted a declared length of " + length);
    } catch (ProxyHeaderException e) {
      assertEquals(ProxyHeaderException.Rule.V2_TOO_LONG, e.rule());
    }
  }
}
