package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * A frame format: how a stream of bytes is cut into frames and how a frame is written. Implement
 * it for your own format; {@link FrameCodecs} has the common ones.
 *
 * <pre>{@code
 * FrameCodec<String> codec = FrameCodecs.utf8(FrameCodecs.lengthPrefix().width(4).build());
 * try (MessageChannel<String> channel = MessageChannel.open(connection, codec)) {
 *   channel.send("hello");
 *   String reply = channel.receive();
 * }
 * }</pre>
 *
 * <p>A codec is immutable and thread-safe; the state of decoding lives in the {@link FrameDecoder}
 * it makes for each connection. {@code docs/CUSTOM_CODECS.md} walks through writing one (a
 * netstring codec) against this interface alone.
 *
 * <h2>Limits</h2>
 * Every codec has a {@link #maxFrameSize()}. The decoder rejects a longer frame with {@link
 * FrameTooLongException} before buffering or allocating it, and the encoder refuses to send one,
 * so a peer that uses the same codec never receives a frame it would reject.
 *
 * @param <T> the type of the frames: {@link ByteBuffer} for the binary codecs, {@code String} for
 *     the text codecs, any type after {@link #map}
 */
public interface FrameCodec<T> {

  /** A new decoder, with its own state, for one stream of bytes. */
  FrameDecoder<T> newDecoder();

  /**
   * Writes one encoded frame to {@code out}: header bytes with {@link FrameSink#put(byte)}, the
   * payload with {@link FrameSink#put(ByteBuffer)} so that a large one is not copied. Must not
   * change {@code frame} (for a buffer: nor its position), so the same frame can be sent twice.
   *
   * @throws FrameTooLongException if the frame is over {@link #maxFrameSize()}
   * @throws MalformedFrameException if the frame cannot be encoded in this format (text that
   *     contains the line terminator, a payload that contains the delimiter)
   * @throws IOException only as one of the above in the codecs of this library
   */
  void encode(T frame, FrameSink out) throws IOException;

  /** The largest frame, in bytes of payload, that this codec decodes or encodes. */
  int maxFrameSize();

  /**
   * Encodes one frame into a new heap buffer, ready to read: handy for tests and for writing
   * frames without a {@link MessageChannel}.
   *
   * @throws IOException as {@link #encode}
   */
  default ByteBuffer encodeToBuffer(T frame) throws IOException {
    ByteArraySink sink = new ByteArraySink();
    encode(frame, sink);
    return sink.toBuffer();
  }

  /**
   * A codec of {@code U} on top of this one: received frames go through {@code decode}, frames to
   * send through {@code encode}. The byte format, the limits and the decoder's behaviour are this
   * codec's.
   *
   * <pre>{@code
   * FrameCodec<Order> orders = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build())
   *     .map(Order::parse, Order::toJson);
   * }</pre>
   *
   * <p>A function that meets a frame it cannot convert may throw an {@link
   * java.io.UncheckedIOException}: the decoder or encoder rethrows its cause (a {@link
   * MalformedFrameException}, say) as the checked exception. Other runtime exceptions propagate
   * unchanged.
   *
   * @param decode converts a decoded frame; called once per received frame
   * @param encode converts a frame to send; called once per sent frame
   */
  default <U> FrameCodec<U> map(
      Function<? super T, ? extends U> decode, Function<? super U, ? extends T> encode) {
    return new MappedCodec<>(this, decode, encode);
  }
}
