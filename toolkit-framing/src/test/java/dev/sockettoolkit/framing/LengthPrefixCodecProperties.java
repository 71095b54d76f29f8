package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A fixed-width length field holds the payload length in its width and byte order, whatever the
 * byte order of the buffer it is read from: lengths over 255 included, which need every byte.
 */
class LengthPrefixCodecProperties {

  @Provide
  Arbitrary<Integer> widths() {
    return Arbitraries.of(2, 3, 4, 8);
  }

  @Provide
  Arbitrary<ByteOrder> orders() {
    return Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN);
  }

  @Property(tries = 500)
  void theLengthFieldHoldsTheLengthInItsWidthAndByteOrder(
      @ForAll("widths") int width,
      @ForAll("orders") ByteOrder order,
      @ForAll("orders") ByteOrder bufferOrder,
      @ForAll @IntRange(max = 65535) int length) throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().width(width).byteOrder(order).maxFrameSize(65535).build();
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (i * 31);
    }
    ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.wrap(payload));

    // The length as a long in the field's byte order: its low `width` bytes are the field.
    ByteBuffer asLong = ByteBuffer.allocate(8).order(order).putLong(0, length);
    byte[] field = new byte[width];
    asLong.get(order == ByteOrder.BIG_ENDIAN ? 8 - width : 0, field);
    byte[] header = new byte[width];
    encoded.get(encoded.position(), header);
    assertArrayEquals(field, header);

    ByteBuffer decoded = codec.newDecoder().decode(encoded.order(bufferOrder));
    assertEquals(ByteBuffer.wrap(payload), decoded);
  }
}
