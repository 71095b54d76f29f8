package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A large frame fed one byte at a time costs work linear in its size: no byte is rescanned.
 *
 * <p>Checked by the gap between the two, not by a count inside the decoders: a 1 MiB frame fed
 * one byte at a time is a million decode calls; a decoder that rescans the bytes it already
 * examined does about 5 * 10^11 steps for it (hours), a linear one a few million (milliseconds).
 * So the time bound below cannot be hit by a linear decoder on a slow machine, nor missed by a
 * quadratic one on a fast machine.
 */
class LinearWorkTest {
  private static final int SIZE = 1 << 20;
  private static final Duration BOUND = Duration.ofSeconds(60);

  private static void assertLinear(FrameCodec<?> codec, byte[] encoded) {
    Decoding d =
        assertTimeoutPreemptively(
            BOUND,
            () -> Decoding.oneByteAtATime(codec, encoded),
            "decoding " + encoded.length + " bytes one at a time is not linear");
    assertEquals(2, d.events.size(), "one frame, then the end: " + d.events.get(0));
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
    assertLinear(codec, encoded.array());
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
    assertLinear(codec, Arrays.copyOf(encoded.array(), encoded.remaining()));
  }

  @Test
  void lengthPrefixCodec() throws Exception {
    for (LengthPrefixCodec codec : new LengthPrefixCodec[] {
        FrameCodecs.lengthPrefix().varint().maxFrameSize(SIZE).build(),
        FrameCodecs.lengthPrefix().fixedHeader((byte) 1, (byte) 2).maxFrameSize(SIZE).build()}) {
      ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.allocate(SIZE));
      assertLinear(codec, encoded.array());
    }
  }
}
