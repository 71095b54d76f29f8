package dev.sockettoolkit.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameException;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MalformedFrameException;
import dev.sockettoolkit.framing.TruncatedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Drives a {@link FrameDecoder} over hostile bytes and checks what the fuzz targets promise:
 *
 * <ul>
 *   <li>the only exceptions are the documented {@link FrameTooLongException}, {@link
 *       MalformedFrameException} and {@link TruncatedFrameException};
 *   <li>every frame is within the codec's maximum, and while no frame is complete the decoder
 *       leaves at most {@code maxFrameSize + }{@value #SLACK} bytes unconsumed (bounded buffering);
 *   <li>every call that returns a frame makes progress, so a loop over the decoder ends (no hangs);
 *   <li>the same bytes give the same frames and errors however they are split into reads (the
 *       contract of {@link FrameDecoder}), with and without compaction between reads.
 * </ul>
 */
final class DecoderHarness {
  /** Headers, delimiters and fixed headers a decoder may hold beyond the maximum frame size. */
  static final int SLACK = 1024;

  private DecoderHarness() {}

  /**
   * Decodes {@code input} whole and in chunks chosen by {@code chunkSeed}; both must agree.
   *
   * @param kept bytes a frame may carry beyond the maximum: a kept delimiter, which the delimiter
   *     codec's maximum does not count
   */
  static <T> void check(FrameCodec<T> codec, byte[] input, long chunkSeed, int maxChunk, int kept) {
    List<String> whole = run(codec, input, new Random(chunkSeed), Integer.MAX_VALUE, false, kept);
    List<String> chunked = run(codec, input, new Random(chunkSeed), Math.max(1, maxChunk), true, kept);
    assertEquals(whole, chunked, () -> "whole vs chunked decoding differ for " + codec);
  }

  /**
   * The decoding events: each frame, each discarded oversized frame, then how it ended (a clean
   * end or the exception class).
   */
  private static <T> List<String> run(
      FrameCodec<T> codec, byte[] input, Random random, int maxChunk, boolean sometimesCompact,
      int kept) {
    FrameDecoder<T> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.allocate(input.length + 16);
    in.flip();
    List<String> events = new ArrayList<>();
    int offset = 0;
    int calls = 0;
    try {
      while (offset < input.length) {
        int n = Math.min(input.length - offset, 1 + random.nextInt(Math.min(maxChunk, input.length)));
        if (sometimesCompact && random.nextBoolean()) {
          in.compact().flip();
        }
        int start = in.position();
        in.position(in.limit()).limit(in.limit() + n);
        in.put(input, offset, n);
        in.position(start);
        offset += n;
        while (true) {
          checkCalls(++calls, input.length);
          T frame;
          int before = in.position();
          try {
            frame = decoder.decode(in);
          } catch (FrameTooLongException e) {
            if (!e.discarded()) {
              throw e;
            }
            events.add("discarded");
            continue;
          }
          if (frame == null) {
            assertBounded(codec, in);
            break;
          }
          assertTrue(in.position() > before, "a decoded frame must consume bytes: " + codec);
          events.add(describe(codec, frame, kept));
        }
      }
      while (true) {
        checkCalls(++calls, input.length);
        T frame;
        try {
          frame = decoder.decodeAtEnd(in);
        } catch (FrameTooLongException e) {
          if (!e.discarded()) {
            throw e;
          }
          events.add("discarded");
          continue;
        }
        if (frame == null) {
          events.add("end");
          break;
        }
        events.add(describe(codec, frame, kept));
      }
    } catch (FrameTooLongException | MalformedFrameException | TruncatedFrameException e) {
      events.add(e.getClass().getSimpleName());
      assertTerminal(decoder, in, e);
    } catch (FrameException e) {
      fail("undocumented FrameException subtype from " + codec, e);
    } catch (IOException e) {
      fail("a decoder threw a plain IOException, not a FrameException: " + codec, e);
    }
    return events;
  }

  /** After a terminal error the decoder decodes nothing more: it throws again or returns null. */
  private static <T> void assertTerminal(FrameDecoder<T> decoder, ByteBuffer in, FrameException e) {
    try {
      T again = decoder.decode(in);
      if (again != null) {
        fail("a decoder returned " + again + " after the terminal " + e);
      }
    } catch (IOException expected) {
      assertTrue(expected instanceof FrameException, "terminal error rethrown as " + expected);
    }
  }

  private static <T> String describe(FrameCodec<T> codec, T frame, int kept) {
    if (frame instanceof ByteBuffer) {
      ByteBuffer b = (ByteBuffer) frame;
      assertTrue(
          b.remaining() <= (long) codec.maxFrameSize() + kept,
          () -> "a frame of " + b.remaining() + " bytes from " + codec);
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return "frame " + HexFormat.of().formatHex(bytes);
    }
    String text = String.valueOf(frame);
    // Each char comes from at least one byte, even with replacement characters.
    assertTrue(
        text.length() <= codec.maxFrameSize(),
        () -> "text of " + text.length() + " chars over the maximum of " + codec + ": "
            + text.chars().mapToObj(Integer::toHexString).toList());
    return "text " + text;
  }

  private static void assertBounded(FrameCodec<?> codec, ByteBuffer in) {
    long bound = (long) codec.maxFrameSize() + SLACK;
    assertTrue(
        in.remaining() <= bound,
        () -> codec + " holds " + in.remaining() + " unconsumed bytes without a frame, over "
            + bound);
  }

  private static void checkCalls(int calls, int inputLength) {
    // A frame consumes at least one byte, and a discard at least one: more calls than that loop.
    if (calls > 4 * inputLength + 16) {
      fail("the decoder was called " + calls + " times for " + inputLength + " bytes: it loops");
    }
  }
}
