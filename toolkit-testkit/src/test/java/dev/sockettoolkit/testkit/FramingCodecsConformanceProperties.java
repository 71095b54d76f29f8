package dev.sockettoolkit.testkit;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.LineCodec;
import dev.sockettoolkit.framing.TooLongPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Group;

/** Every codec in toolkit-framing passes the testkit's codec conformance suite. */
class FramingCodecsConformanceProperties {

  /** Binary frames of any bytes. */
  abstract static class Binary implements CodecConformance<ByteBuffer> {
    @Override
    public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
      return Generators.frames(maxFrameSize).map(ByteBuffer::wrap);
    }

    @Override
    public int frameSize(ByteBuffer message) {
      return message.remaining();
    }
  }

  /** Text without line breaks, with multi-byte UTF-8 characters. */
  abstract static class Text implements CodecConformance<String> {
    @Override
    public Arbitrary<String> messages(int maxFrameSize) {
      return Arbitraries.strings()
          .withCharRange('a', 'z')
          .withChars(" \t:,0")
          .withCharRange('\u00e0', '\u00ff')
          .withCharRange('\u4e00', '\u4e0f')
          .ofMaxLength(maxFrameSize)
          .filter(s -> frameSize(s) <= maxFrameSize);
    }

    @Override
    public int frameSize(String message) {
      return message.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  @Group
  class LengthPrefix4BigEndian extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().maxFrameSize(max).build();
    }
  }

  @Group
  class LengthPrefix1 extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().width(1).maxFrameSize(max).build();
    }

    @Override
    public int limit() {
      return 120; // twice it must still fit one byte
    }
  }

  @Group
  class LengthPrefix2LittleEndian extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().width(2).byteOrder(ByteOrder.LITTLE_ENDIAN).maxFrameSize(max).build();
    }
  }

  @Group
  class LengthPrefix3 extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().width(3).maxFrameSize(max).build();
    }
  }

  @Group
  class LengthPrefix8LittleEndianIncludingHeader extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix()
          .width(8)
          .byteOrder(ByteOrder.LITTLE_ENDIAN)
          .fixedHeader((byte) 0xCA, (byte) 0xFE)
          .lengthIncludesHeader()
          .maxFrameSize(max)
          .build();
    }
  }

  @Group
  class LengthPrefixVarint extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().varint().maxFrameSize(max).build();
    }
  }

  @Group
  class LengthPrefixDiscardingOversized extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.lengthPrefix().maxFrameSize(max).onTooLong(TooLongPolicy.DISCARD).build();
    }
  }

  @Group
  class NulDelimited extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.delimiter(new byte[] {0}).maxFrameSize(max).build();
    }

    @Override
    public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
      return Generators.frames(maxFrameSize).map(b -> ByteBuffer.wrap(without(b, (byte) 0)));
    }
  }

  @Group
  class CrOrCrLfDelimitedDiscarding extends Binary {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.delimiter(new byte[] {'\r'}, new byte[] {'\r', '\n'})
          .maxFrameSize(max)
          .onTooLong(TooLongPolicy.DISCARD)
          .build();
    }

    @Override
    public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
      return Generators.frames(maxFrameSize)
          .map(b -> ByteBuffer.wrap(without(without(b, (byte) '\r'), (byte) '\n')));
    }

    /** A stream that ends right after the {@code \r} of {@code \r\n} ends with a whole frame. */
    @Override
    public boolean endOfStreamCompletesFrame() {
      return true;
    }
  }

  @Group
  class LinesLfOrCrLf extends Text {
    @Override
    public FrameCodec<String> codec(int max) {
      return FrameCodecs.lines().maxLineLength(max).build();
    }
  }

  @Group
  class LinesStrictCrLf extends Text {
    @Override
    public FrameCodec<String> codec(int max) {
      return FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).maxLineLength(max).build();
    }
  }

  @Group
  class LinesAcceptingAFinalLine extends Text {
    @Override
    public FrameCodec<String> codec(int max) {
      return FrameCodecs.lines().finalLine(LineCodec.FinalLine.ACCEPT).maxLineLength(max).build();
    }

    @Override
    public boolean endOfStreamCompletesFrame() {
      return true;
    }
  }

  @Group
  class Utf8OverVarint extends Text {
    @Override
    public FrameCodec<String> codec(int max) {
      return FrameCodecs.utf8(FrameCodecs.lengthPrefix().varint().maxFrameSize(max).build());
    }
  }

  @Group
  class FixedLength implements CodecConformance<ByteBuffer> {
    @Override
    public FrameCodec<ByteBuffer> codec(int max) {
      return FrameCodecs.fixedLength(max);
    }

    @Override
    public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
      return Generators.framesOfSize(Arbitraries.just(maxFrameSize)).map(ByteBuffer::wrap);
    }

    @Override
    public int frameSize(ByteBuffer message) {
      return message.remaining();
    }

    /**
     * Not applicable: a fixed-length stream carries no lengths, so a decoder with a smaller size
     * reads two frames where the sender wrote one; it cannot see an oversized frame. The encoder
     * side of the limit is still checked.
     */
    @Override
    public void decoderRejectsFramesOverItsLimitBeforeBufferingThem(
        ByteBuffer oversized, java.util.List<ByteBuffer> after, Chunking chunking, long seed) {}
  }

  static byte[] without(byte[] bytes, byte banned) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == banned) {
        copy[i] = (byte) (banned + 1);
      }
    }
    return copy;
  }
}
