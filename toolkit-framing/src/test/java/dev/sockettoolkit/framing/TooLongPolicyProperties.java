package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * With {@link TooLongPolicy#DISCARD} a decoder drops the bytes of a frame over its maximum as they
 * arrive: however long the frame, the decoder never holds more than the maximum and a delimiter or
 * header, and it then decodes the frame after it.
 */
class TooLongPolicyProperties {

  /** A codec that discards, a frame over its maximum and a frame that it then decodes. */
  record Case(String name, FrameCodec<?> codec, byte[] overLong, byte[] next, Object nextFrame) {
    @Override
    public String toString() {
      return codec + ", a frame of " + overLong.length + " bytes";
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(
            Arbitraries.of("lengthPrefix", "delimiter", "lines"),
            Arbitraries.integers().between(2, 50),
            Arbitraries.integers().between(1, 2000))
        .as((name, max, extra) -> make(name, max, max + extra));
  }

  private static Case make(String name, int max, int length) {
    // Full of CRs that are not followed by LF: each may start a CR LF until the next byte says not.
    byte[] content = new byte[length];
    for (int i = 0; i < length; i++) {
      content[i] = (byte) (i % 3 == 1 ? '\r' : 'x');
    }
    byte[] crlf = {'\r', '\n'};
    switch (name) {
      case "lengthPrefix": {
        FrameCodec<ByteBuffer> codec =
            FrameCodecs.lengthPrefix().width(2).maxFrameSize(max).onTooLong(TooLongPolicy.DISCARD).build();
        byte[] header = {(byte) (length >>> 8), (byte) length};
        return new Case(name, codec, concat(header, content), new byte[] {0, 2, 'o', 'k'},
            ByteBuffer.wrap(new byte[] {'o', 'k'}));
      }
      case "delimiter": {
        FrameCodec<ByteBuffer> codec = FrameCodecs.delimiter(crlf).maxFrameSize(max)
            .onTooLong(TooLongPolicy.DISCARD).build();
        return new Case(name, codec, concat(content, crlf), new byte[] {'o', 'k', '\r', '\n'},
            ByteBuffer.wrap(new byte[] {'o', 'k'}));
      }
      default: {
        FrameCodec<String> codec = FrameCodecs.lines().terminator(LineCodec.Terminator.CRLF)
            .maxLineLength(max).onTooLong(TooLongPolicy.DISCARD).build();
        return new Case(name, codec, concat(content, crlf), new byte[] {'o', 'k', '\r', '\n'}, "ok");
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  @Property(tries = 300)
  void discardDropsAnOverLongFrameAsItArrives(
      @ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 100) int chunk) throws Exception {
    byte[] input = concat(c.overLong(), c.next());
    FrameDecoder<?> decoder = c.codec().newDecoder();
    ByteBuffer in = ByteBuffer.allocate(input.length).limit(0);
    List<Object> events = new ArrayList<>();
    int held = 0;
    for (int at = 0; at < input.length; at += chunk) {
      int n = Math.min(chunk, input.length - at);
      in.limit(at + n).put(at, input, at, n);
      while (true) {
        Object frame;
        try {
          frame = decoder.decode(in);
        } catch (FrameTooLongException e) {
          assertTrue(e.discarded());
          events.add("discarded");
          continue;
        }
        if (frame == null) {
          break;
        }
        events.add(frame);
      }
      held = Math.max(held, in.remaining());
    }
    assertEquals(List.of("discarded", c.nextFrame()), events);
    // The maximum plus a CR that may start a CR LF, or plus a header.
    assertTrue(held <= c.codec().maxFrameSize() + 2, "held " + held + " bytes");
  }
}
