package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LengthPrefixCodecTest {

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] encode(FrameCodec<ByteBuffer> codec, byte[] payload) throws Exception {
    ByteBuffer b = codec.encodeToBuffer(ByteBuffer.wrap(payload));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void encodesEveryWidthInBothByteOrders() throws Exception {
    byte[] payload = {9, 8, 7};
    assertArrayEquals(bytes(3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().width(1).build(), payload));
    assertArrayEquals(bytes(0, 3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().width(2).build(), payload));
    assertArrayEquals(
        bytes(3, 0, 0, 9, 8, 7),
        encode(FrameCodecs.lengthPrefix().width(3).byteOrder(ByteOrder.LITTLE_ENDIAN).build(), payload));
    assertArrayEquals(bytes(0, 0, 0, 3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().build(), payload));
    assertArrayEquals(
        bytes(3, 0, 0, 0, 0, 0, 0, 0, 9, 8, 7),
        encode(FrameCodecs.lengthPrefix().width(8).byteOrder(ByteOrder.LITTLE_ENDIAN).build(), payload));
    assertArrayEquals(bytes(3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().varint().build(), payload));
    assertArrayEquals(
        bytes(0xAC, 0x02),
        Arrays.copyOf(encode(FrameCodecs.lengthPrefix().varint().build(), new byte[300]), 2));
  }

  @Test
  void lengthCanIncludeTheHeaderAndFixedHeaderBytes() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().fixedHeader((byte) 0xCA, (byte) 0xFE).width(2).lengthIncludesHeader().build();
    byte[] encoded = encode(codec, new byte[] {1, 2, 3});
    assertArrayEquals(bytes(0xCA, 0xFE, 0, 7, 1, 2, 3), encoded);
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), codec.newDecoder().decode(ByteBuffer.wrap(encoded)));
  }

  @Test
  void zeroLengthFramesAreValid() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().width(1).build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes(0, 0));
    assertEquals(0, decoder.decode(in).remaining());
    assertEquals(0, decoder.decode(in).remaining());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void aLengthOverTheMaximumFailsFastBeforeTheBody() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().width(8).maxFrameSize(1000).build();
    ByteBuffer header = ByteBuffer.wrap(bytes(0, 0, 1, 0, 0, 0, 0, 0)); // 2^40, no body at all
    FrameTooLongException e =
        assertThrows(FrameTooLongException.class, () -> codec.newDecoder().decode(header));
    assertEquals(1L << 40, e.length());
    assertEquals(1000, e.limit());
    assertTrue(e.getMessage().contains("1099511627776") && e.getMessage().contains("1000")
        && e.getMessage().contains("maxFrameSize"), e.getMessage());
  }

  @Test
  void discardPolicySkipsTheBodyAndContinues() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().width(1).maxFrameSize(2).onTooLong(TooLongPolicy.DISCARD).build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes(5, 1, 2, 3, 4, 5, 1, 42));
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> decoder.decode(in));
    assertTrue(e.discarded());
    assertEquals(ByteBuffer.wrap(bytes(42)), decoder.decode(in));
  }

  @Test
  void negativeAndOverflowingLengthsAreMalformed() {
    assertMalformed(FrameCodecs.lengthPrefix().width(8).build(), bytes(0x80, 0, 0, 0, 0, 0, 0, 0));
    assertMalformed(FrameCodecs.lengthPrefix().varint().build(),
        bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02)); // > 64 bits
    assertMalformed(FrameCodecs.lengthPrefix().varint().build(),
        bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)); // 2^63
    // The field counts the 2-byte header, so a value below 2 is impossible.
    assertMalformed(FrameCodecs.lengthPrefix().width(2).lengthIncludesHeader().build(), bytes(0, 1));
    assertMalformed(FrameCodecs.lengthPrefix().width(1).fixedHeader((byte) 7).build(), bytes(8, 0));
  }

  private static void assertMalformed(FrameCodec<ByteBuffer> codec, byte[] input) {
    assertThrows(MalformedFrameException.class, () -> codec.newDecoder().decode(ByteBuffer.wrap(input)));
    assertTrue(Decoding.oneByteAtATime(codec, input).events.get(0).toString().startsWith("Malformed"));
  }

  @Test
  void truncationSaysHowManyBytesWereMissing() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().build();
    TruncatedFrameException e = assertThrows(
        TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(ByteBuffer.wrap(bytes(0, 0, 0, 10, 1, 2, 3, 4))));
    assertEquals(6, e.missingBytes());
    assertEquals(8, e.receivedBytes());
    assertTrue(e.getMessage().contains("6 bytes missing"), e.getMessage());
    TruncatedFrameException header = assertThrows(
        TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(ByteBuffer.wrap(bytes(0, 0))));
    assertEquals(2, header.missingBytes());
  }

  @Test
  void encoderEnforcesTheMaximumAndLeavesThePositionAlone() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().maxFrameSize(4).build();
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(ByteBuffer.allocate(5)));
    ByteBuffer frame = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    codec.encodeToBuffer(frame);
    assertEquals(0, frame.position());
  }

  @Test
  void builderRejectsContradictions() {
    assertThrows(IllegalArgumentException.class, () -> FrameCodecs.lengthPrefix().width(5));
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodecs.lengthPrefix().width(1).maxFrameSize(256).build());
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodecs.lengthPrefix().varint().lengthIncludesHeader().build());
    assertEquals(255, FrameCodecs.lengthPrefix().width(1).build().maxFrameSize());
    assertEquals(LengthPrefixCodec.DEFAULT_MAX_FRAME_SIZE, FrameCodecs.lengthPrefix().build().maxFrameSize());
  }
}
