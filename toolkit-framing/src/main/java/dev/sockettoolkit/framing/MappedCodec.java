package dev.sockettoolkit.framing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;

/** What {@link FrameCodec#map} returns: another codec with conversions on both sides. */
final class MappedCodec<T, U> implements FrameCodec<U> {
  private final FrameCodec<T> inner;
  private final Function<? super T, ? extends U> decode;
  private final Function<? super U, ? extends T> encode;

  MappedCodec(
      FrameCodec<T> inner,
      Function<? super T, ? extends U> decode,
      Function<? super U, ? extends T> encode) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.decode = Objects.requireNonNull(decode, "decode");
    this.encode = Objects.requireNonNull(encode, "encode");
  }

  @Override
  public FrameDecoder<U> newDecoder() {
    FrameDecoder<T> decoder = inner.newDecoder();
    return new FrameDecoder<>() {
      private IOException failure;

      @Override
      public U decode(ByteBuffer in) throws IOException {
        if (failure != null) {
          throw failure;
        }
        return convert(decoder.decode(in));
      }

      @Override
      public U decodeAtEnd(ByteBuffer in) throws IOException {
        if (failure != null) {
          throw failure;
        }
        return convert(decoder.decodeAtEnd(in));
      }

      /** A frame the function cannot convert is a terminal error, like any decoding error. */
      private U convert(T frame) throws IOException {
        try {
          return MappedCodec.this.convert(frame);
        } catch (IOException e) {
          failure = e;
          throw e;
        }
      }
    };
  }

  private U convert(T frame) throws IOException {
    if (frame == null) {
      return null;
    }
    try {
      return decode.apply(frame);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void encode(U frame, FrameSink out) throws IOException {
    T converted;
    try {
      converted = encode.apply(frame);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    inner.encode(converted, out);
  }

  @Override
  public int maxFrameSize() {
    return inner.maxFrameSize();
  }

  @Override
  public String toString() {
    return inner + ".map(...)";
  }
}
