package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Feeds bytes to a decoder in given chunks, the way a channel does, and records what comes out. */
final class Decoding {
  /** Bytes a decoder may hold back beyond the maximum frame size: headers, delimiters. */
  static final int SLACK = 1024;

  final List<Object> events = new ArrayList<>();
  int maxBuffered;

  private Decoding() {}

  /** What decoding {@code bytes}, split into {@code chunks} (cycled), produces. */
  static Decoding run(FrameCodec<?> codec, byte[] bytes, int[] chunks) {
    Decoding d = new Decoding();
    d.decode(codec.newDecoder(), bytes, chunks);
    return d;
  }

  static Decoding allAtOnce(FrameCodec<?> codec, byte[] bytes) {
    return run(codec, bytes, new int[] {Math.max(1, bytes.length)});
  }

  static Decoding oneByteAtATime(FrameCodec<?> codec, byte[] bytes) {
    return run(codec, bytes, new int[] {1});
  }

  /** The frames, as comparable values: a ByteBuffer's content as a list, a String as itself. */
  static Object value(Object frame) {
    if (frame instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) frame).duplicate();
      List<Byte> list = new ArrayList<>();
      while (b.hasRemaining()) {
        list.add(b.get());
      }
      return list;
    }
    return frame;
  }

  private void decode(FrameDecoder<?> decoder, byte[] bytes, int[] chunks) {
    ByteBuffer buffer = ByteBuffer.allocate(16);
    buffer.flip();
    int offset = 0;
    int chunk = 0;
    int budget = bytes.length * 2 + 100; // an endless loop would exceed this many events
    try {
      while (offset < bytes.length) {
        int n = Math.min(Math.max(1, chunks[chunk++ % chunks.length]), bytes.length - offset);
        buffer = append(buffer, bytes, offset, n);
        offset += n;
        while (true) {
          Object frame;
          try {
            frame = decoder.decode(buffer);
          } catch (FrameTooLongException e) {
            if (!e.discarded()) {
              throw e;
            }
            events.add("discarded " + e.getMessage());
            continue;
          }
          if (frame == null) {
            break;
          }
          events.add(value(frame));
          if (--budget < 0) {
            throw new AssertionError("decoder does not make progress");
          }
        }
        maxBuffered = Math.max(maxBuffered, buffer.remaining());
      }
      while (true) {
        Object frame;
        try {
          frame = decoder.decodeAtEnd(buffer);
        } catch (FrameTooLongException e) {
          if (!e.discarded()) {
            throw e;
          }
          events.add("discarded " + e.getMessage());
          continue;
        }
        if (frame == null) {
          break;
        }
        events.add(value(frame));
        if (--budget < 0) {
          throw new AssertionError("decoder does not make progress at end of stream");
        }
      }
      events.add("end");
    } catch (FrameException e) {
      events.add(e.getClass().getSimpleName() + ": " + e.getMessage());
      // Terminal: the decoder must keep failing.
      try {
        if (decoder.decode(buffer) != null) {
          events.add("decoded after a terminal error");
        }
      } catch (IOException again) {
        // expected
      }
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
  }

  /** Appends like a channel: compacts, and grows only when the undecoded bytes fill the buffer. */
  private static ByteBuffer append(ByteBuffer buffer, byte[] bytes, int offset, int n) {
    if (buffer.capacity() - buffer.limit() < n) {
      buffer.compact();
      if (buffer.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      buffer.flip();
    }
    int position = buffer.position();
    int limit = buffer.limit();
    buffer.limit(limit + n);
    buffer.put(limit, bytes, offset, n);
    buffer.position(position);
    return buffer;
  }
}
