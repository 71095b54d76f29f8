package dev.sockettoolkit.reliability.soak;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * One message of the soak protocol, carried in one length-prefixed frame:
 *
 * <pre>
 * type (1) | connection id (8) | sequence number (8) | body (0..n) | CRC32C of all before (4)
 * </pre>
 *
 * <p>A {@link Type#DATA} body is a pure function of the connection id and the sequence number, so
 * a receiver can tell not only that a message is intact (the checksum) but that it is the right
 * message with the right bytes (it regenerates the body and compares): data that passes the
 * checksum yet differs would be wrong data delivered, which the soak counts and forbids.
 */
record SoakMessage(Type type, long connection, long seq, byte[] body) {
  static final int HEADER = 1 + 8 + 8;
  static final int TRAILER = 4;
  /** Most bodies are small; one in twenty is large enough to span several TLS records. */
  static final int MAX_BODY = 20_000;

  enum Type {
    /** Client to server: a numbered message. */
    DATA,
    /** Server to client: a DATA message sent back, with the same number and body. */
    ECHO,
    /** Either way: no more data; {@code seq} is how many DATA messages were sent (or received). */
    BYE,
    /** Server to client: the server rejected the stream; the body says why (UTF-8). */
    ERROR
  }

  static SoakMessage data(long connection, long seq) {
    return new SoakMessage(Type.DATA, connection, seq, body(connection, seq));
  }

  static SoakMessage error(long connection, String reason) {
    return new SoakMessage(Type.ERROR, connection, -1, reason.getBytes(StandardCharsets.UTF_8));
  }

  SoakMessage withType(Type newType) {
    return new SoakMessage(newType, connection, seq, body);
  }

  /** The body every DATA message {@code seq} of {@code connection} carries. */
  static byte[] body(long connection, long seq) {
    SplittableRandom random = new SplittableRandom(connection * 0x9E3779B97F4A7C15L ^ seq);
    int length = random.nextInt(20) == 0 ? 4096 + random.nextInt(MAX_BODY - 4096) : random.nextInt(1500);
    byte[] body = new byte[length];
    for (int i = 0; i < length; i += 8) {
      long bits = random.nextLong();
      for (int j = 0; j < 8 && i + j < length; j++) {
        body[i + j] = (byte) (bits >>> (8 * j));
      }
    }
    return body;
  }

  ByteBuffer encode() {
    ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length + TRAILER);
    frame.put((byte) type.ordinal()).putLong(connection).putLong(seq).put(body);
    CRC32C crc = new CRC32C();
    crc.update(frame.array(), 0, frame.position());
    frame.putInt((int) crc.getValue());
    return frame.flip();
  }

  /**
   * Parses a received frame.
   *
   * @throws SoakProtocolException if the frame is too short or its checksum does not match: the
   *     bytes were changed in transit
   */
  static SoakMessage decode(ByteBuffer frame) throws SoakProtocolException {
    int length = frame.remaining();
    if (length < HEADER + TRAILER) {
      throw SoakProtocolException.corrupted("a frame of " + length + " bytes is shorter than any message");
    }
    byte[] bytes = new byte[length];
    frame.duplicate().get(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length - TRAILER);
    int expected = ByteBuffer.wrap(bytes, length - TRAILER, TRAILER).getInt();
    if ((int) crc.getValue() != expected) {
      throw SoakProtocolException.corrupted(
          "checksum mismatch in a frame of " + length + " bytes: corrupted in transit");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int type = in.get() & 0xFF;
    if (type >= Type.values().length) {
      throw SoakProtocolException.corrupted("unknown message type " + type + " with a valid checksum");
    }
    long connection = in.getLong();
    long seq = in.getLong();
    byte[] body = new byte[length - HEADER - TRAILER];
    in.get(body);
    return new SoakMessage(Type.values()[type], connection, seq, body);
  }
}
