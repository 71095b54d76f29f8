package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A large frame fed one byte at a time costs work linear in its size: no byte is rescanned. */
class LinearWorkTest {
  private static final int SIZE = 1 << 20;

  private static void assertLinear(FrameCodec<?> codec, byte[] encoded, long bytesPerByte) {
    Decoding d = Decoding.oneByteAtATime(codec, encoded);
    assertEquals(2, d.events.size(), "one frame, then the end");
    assertTrue(d.bytesExamined <= bytesPerByte * encoded.length + 64,
        "examined " + d.bytesExamined + " bytes for " + encoded.length);
  }

  @Test
  void lineCodec() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(SIZE).build();
    char[] line = new char[SIZE - 10];
    Arrays.fill(line, 'x');
    for (int i = 0; i < line.length; i += 3) {
      line[i] = '\r'; // every CR makes the decoder look at the next byte
    }
    ByteBuffer encoded = codec.encodeToBuffer(new String(line));
    assertLinear(codec, encoded.array(), 2);
  }

  @Test
  void delimiterCodecWithPartialMatchesEverywhere() throws Exception {
    byte[] delimiter = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    DelimiterCodec codec = FrameCodecs.delimiter(delimiter).maxFrameSize(SIZE).build();
    byte[] payload = new byte[SIZE - 10];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i % 4 == 3 ? 'x' : "\r\n\r".charAt(i % 4));
    }
    payload[payload.length - 1] = 'x';
    ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.wrap(payload));
    assertLinear(codec, Arrays.copyOf(encoded.array(), encoded.remaining()), 1 + delimiter.length);
  }

  @Test
  void lengthPrefixCodec() throws Exception {
    for (LengthPrefixCodec codec : new LengthPrefixCodec[] {
        FrameCodecs.lengthPrefix().varint().maxFrameSize(SIZE).build(),
        FrameCodecs.lengthPrefix().fixedHeader((byte) 1, (byte) 2).maxFrameSize(SIZE).build()}) {
      ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.allocate(SIZE));
      Decoding d = Decoding.oneByteAtATime(codec, encoded.array());
      assertEquals(2, d.events.size());
      assertTrue(d.bytesExamined <= 6, "examined " + d.bytesExamined + " header bytes");
    }
  }
}
