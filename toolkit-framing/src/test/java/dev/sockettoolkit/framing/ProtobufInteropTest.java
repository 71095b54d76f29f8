package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The varint codec is protobuf's delimited format: {@code writeDelimitedTo}/{@code parseDelimitedFrom}. */
class ProtobufInteropTest {
  private final LengthPrefixCodec codec = FrameCodecs.lengthPrefix().varint().build();

  private static List<BytesValue> messages() {
    Random random = new Random(7);
    List<BytesValue> out = new ArrayList<>();
    for (int size : new int[] {0, 1, 125, 126, 127, 128, 300, 16_383, 16_384, 100_000, 1_000_000}) {
      byte[] b = new byte[size];
      random.nextBytes(b);
      out.add(BytesValue.of(ByteString.copyFrom(b)));
    }
    return out;
  }

  @Test
  void decodesWhatWriteDelimitedToWrites() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<Object> expected = new ArrayList<>();
    for (BytesValue m : messages()) {
      m.writeDelimitedTo(wire);
      expected.add(Decoding.value(ByteBuffer.wrap(m.toByteArray())));
    }
    expected.add("end");
    assertEquals(expected, Decoding.run(codec, wire.toByteArray(), new int[] {1, 2, 3, 65_536}).events);
    // And parses back into the messages.
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(wire.toByteArray());
    for (BytesValue m : messages()) {
      assertEquals(m, BytesValue.parseFrom(decoder.decode(in)));
    }
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void parseDelimitedFromReadsWhatWeEncode() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (BytesValue m : messages()) {
      ByteBuffer b = codec.encodeToBuffer(ByteBuffer.wrap(m.toByteArray()));
      wire.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
    for (BytesValue m : messages()) {
      assertEquals(m, BytesValue.parseDelimitedFrom(in));
    }
    assertNull(BytesValue.parseDelimitedFrom(in));
  }
}
