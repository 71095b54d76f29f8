package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameException;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.framing.TruncatedFrameException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The frame codec contract, as a jqwik suite for your own codec. Implement three methods and every
 * check below runs against your codec.
 *
 * <pre>{@code
 * class NetstringConformanceTest implements CodecConformance<ByteBuffer> {
 *   public FrameCodec<ByteBuffer> codec(int maxFrameSize) {
 *     return new NetstringCodec(maxFrameSize);
 *   }
 *   public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
 *     return Generators.frames(maxFrameSize).map(ByteBuffer::wrap);
 *   }
 *   public int frameSize(ByteBuffer message) {
 *     return message.remaining();
 *   }
 * }
 * }</pre>
 *
 * <p>The checks:
 *
 * <ul>
 *   <li>Any list of messages, encoded and delivered in pieces of any size (one byte, random, all
 *       at once), decodes to the same list; the decoder never needs more than {@link #limit()}
 *       plus {@link #maxOverhead()} bytes buffered, and it consumes only what it decodes.
 *   <li>The encoder refuses a message over the limit with {@link FrameTooLongException}; a decoder
 *       with a smaller limit rejects such a frame (or skips it, if its codec discards).
 *   <li>Ending the stream at every byte offset gives the frames before the cut and then a clean
 *       end at a frame boundary, or a {@link TruncatedFrameException} inside a frame.
 *   <li>Random bytes yield only {@link FrameException}s or frames, never another exception, an
 *       endless loop or unbounded buffering.
 *   <li>Encoding does not change the message (nor a buffer's position) and is repeatable.
 *   <li>Several threads sending through one {@link MessageChannel} never interleave frames.
 *   <li>{@link MessageChannel#receiveBatch} over a connection that cuts the stream anywhere
 *       delivers the same messages as {@code receive}, in order, each once.
 *   <li>The decoder keeps the buffer contract: every frame it returns consumed input, and the
 *       position never moves backwards (a decoder that breaks it fails at once, naming the rule,
 *       rather than hang or fill the heap); it decodes the same from a buffer whose position is
 *       not zero and whose array starts at an offset.
 *   <li>A decoder's errors are terminal: after a {@link FrameException} (other than a discarded
 *       too-long frame) every further call throws again.
 * </ul>
 *
 * <p>A failing property prints its seed; jqwik reruns the failing case first on the next run.
 *
 * @param <T> the codec's frame type
 */
public interface CodecConformance<T> {

  /** Your codec, limited to frames of at most {@code maxFrameSize} bytes. */
  FrameCodec<T> codec(int maxFrameSize);

  /** Messages that fit {@code maxFrameSize} (by {@link #frameSize}), edge sizes included. */
  Arbitrary<T> messages(int maxFrameSize);

  /** The size the codec checks against its limit, e.g. the payload bytes of a binary frame. */
  int frameSize(T message);

  /** The limit the checks use (default 1 KiB). */
  default int limit() {
    return 1024;
  }

  /** Bytes beyond {@link #limit()} a decoder may need buffered: headers, delimiters (default 128). */
  default int maxOverhead() {
    return 128;
  }

  /**
   * Whether the end of the stream completes a final unterminated frame (a line codec that accepts
   * a last line without newline); then a cut inside the last frame is not a truncation.
   */
  default boolean endOfStreamCompletesFrame() {
    return false;
  }

  /** Checks that a decoded message equals the one sent (default {@code assertEquals}). */
  default void assertSameMessage(T expected, T actual) {
    assertEquals(expected, actual);
  }

  /** Lists of messages for the round-trip checks. */
  @Provide
  default Arbitrary<List<T>> conformanceMessages() {
    return messages(limit()).list().ofMaxSize(12);
  }

  /** Short lists of small messages, for the checks that try every byte offset. */
  @Provide
  default Arbitrary<List<T>> shortConformanceMessages() {
    return messages(smallLimit()).list().ofMaxSize(3);
  }

  /** The limit for the checks that try every byte offset: the smaller of 40 and {@link #limit()}. */
  default int smallLimit() {
    return Math.min(limit(), 40);
  }

  /** Messages over {@link #limit()}, up to twice it. */
  @Provide
  default Arbitrary<T> oversizedMessages() {
    return messages(2 * limit()).filter(m -> frameSize(m) > limit());
  }

  // ---- the checks

  @Property(tries = 200)
  default void roundTripUnderAnyChunking(
      @ForAll("conformanceMessages") List<T> messages,
      @ForAll Chunking chunking,
      @ForAll long seed)
      throws IOException {
    FrameCodec<T> codec = codec(limit());
    byte[] encoded = encodeAll(codec, messages);
    List<T> decoded = decodeAll(codec, chunking.split(encoded, seed), limit() + maxOverhead());
    assertEquals(messages.size(), decoded.size(), "frames decoded from " + chunking);
    for (int i = 0; i < messages.size(); i++) {
      assertSameMessage(messages.get(i), decoded.get(i));
    }
  }

  @Property(tries = 100)
  default void encoderRefusesFramesOverTheLimit(@ForAll("oversizedMessages") T message) {
    FrameCodec<T> codec = codec(limit());
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(message));
    assertEquals(limit(), e.limit(), "the exception states the limit");
  }

  @Property(tries = 100)
  default void decoderRejectsFramesOverItsLimitBeforeBufferingThem(
      @ForAll("oversizedMessages") T oversized,
      @ForAll("conformanceMessages") List<T> after,
      @ForAll Chunking chunking,
      @ForAll long seed)
      throws IOException {
    List<T> sent = new ArrayList<>();
    sent.add(oversized);
    sent.addAll(after);
    byte[] encoded = encodeAll(codec(2 * limit()), sent);
    FrameCodec<T> strict = codec(limit());
    List<FrameTooLongException> discarded = new ArrayList<>();
    List<T> decoded = new ArrayList<>();
    try {
      decodeInto(strict, chunking.split(encoded, seed), limit() + maxOverhead(), 0, decoded, discarded);
    } catch (FrameTooLongException e) {
      assertEquals(limit(), e.limit(), strict + ": the exception states the limit");
      assertTrue(decoded.isEmpty(), strict + ": frames decoded before the oversized first frame");
      return;
    }
    // A discarding codec skips the oversized frame and goes on with the ones after it.
    assertEquals(1, discarded.size(), strict + ": a frame of " + frameSize(oversized) + " bytes passed a limit of " + limit());
    assertEquals(limit(), discarded.get(0).limit(), strict + ": the exception states the limit");
    assertEquals(after.size(), decoded.size(), strict + ": frames after the discarded one");
    for (int i = 0; i < after.size(); i++) {
      assertSameMessage(after.get(i), decoded.get(i));
    }
  }

  @Property(tries = 100)
  default void endingTheStreamAtAnyOffsetIsACleanEndOrATruncation(
      @ForAll("shortConformanceMessages") List<T> messages) throws IOException {
    FrameCodec<T> codec = codec(smallLimit());
    List<Integer> boundaries = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    boundaries.add(0);
    for (T m : messages) {
      all.writeBytes(toArray(codec.encodeToBuffer(m)));
      boundaries.add(all.size());
    }
    byte[] encoded = all.toByteArray();
    for (int cut = 0; cut <= encoded.length; cut++) {
      byte[] prefix = java.util.Arrays.copyOf(encoded, cut);
      int whole = 0;
      while (whole + 1 < boundaries.size() && boundaries.get(whole + 1) <= cut) {
        whole++;
      }
      boolean atBoundary = boundaries.get(whole) == cut;
      List<T> decoded = new ArrayList<>();
      try {
        decodeInto(codec, List.of(ByteBuffer.wrap(prefix)), limit() + maxOverhead(), 0, decoded, null);
        assertTrue(
            atBoundary || endOfStreamCompletesFrame(),
            codec + ": a cut at byte " + cut + " of " + encoded.length + ", inside frame " + whole + ", ended cleanly");
      } catch (TruncatedFrameException e) {
        assertTrue(!atBoundary, codec + ": a cut at frame boundary " + cut + " was reported as a truncation: " + e.getMessage());
      } catch (FrameException e) {
        // Only a codec that lets the end of stream complete a frame may find that frame malformed
        // (a final line cut inside a UTF-8 character); everyone else must call a cut a truncation.
        assertTrue(!atBoundary && endOfStreamCompletesFrame(), codec + ": a cut at byte " + cut + " gave " + e);
      }
      assertTrue(decoded.size() >= whole, "frames before the cut at " + cut + " were lost");
      for (int i = 0; i < whole; i++) {
        assertSameMessage(messages.get(i), decoded.get(i));
      }
    }
  }

  @Property(tries = 300)
  default void garbageYieldsOnlyFrameExceptionsWithBoundedBuffering(
      @ForAll("garbage") byte[] garbage, @ForAll Chunking chunking, @ForAll long seed) {
    FrameCodec<T> codec = codec(limit());
    try {
      decodeAll(codec, chunking.split(garbage, seed), limit() + maxOverhead());
    } catch (FrameException expected) {
      // a documented, specific rejection
    } catch (IOException e) {
      fail("garbage gave an IOException that is not a FrameException: " + e);
    }
  }

  /** Random bytes, sometimes biased towards the bytes formats use: 0, \n, \r, ':' , ',', 0xff. */
  @Provide
  default Arbitrary<byte[]> garbage() {
    Arbitrary<Byte> special = Arbitraries.of((byte) 0, (byte) '\n', (byte) '\r', (byte) ':', (byte) ',', (byte) 0xff, (byte) 0x80, (byte) '0', (byte) '9');
    Arbitrary<Byte> bytes = Arbitraries.oneOf(Arbitraries.bytes(), special);
    return bytes.array(byte[].class).ofMaxSize(3 * limit());
  }

  @Property(tries = 100)
  default void encodingLeavesTheMessageAloneAndRepeats(@ForAll("conformanceMessages") List<T> messages)
      throws IOException {
    FrameCodec<T> codec = codec(limit());
    for (T m : messages) {
      int position = m instanceof ByteBuffer ? ((ByteBuffer) m).position() : 0;
      byte[] before = m instanceof ByteBuffer ? toArray(((ByteBuffer) m).duplicate()) : null;
      byte[] first = toArray(codec.encodeToBuffer(m));
      byte[] second = toArray(codec.encodeToBuffer(m));
      assertArrayEquals(first, second, "encoding the same message twice differs");
      if (m instanceof ByteBuffer sentBuffer) {
        assertEquals(position, sentBuffer.position(), "the encoder moved the buffer's position");
        assertArrayEquals(before, toArray(sentBuffer.duplicate()), "the encoder changed the payload");
      }
    }
  }

  @Example
  default void concurrentSendersNeverInterleaveFrames() throws Exception {
    FrameCodec<T> codec = codec(limit());
    List<T> pool = messages(limit()).sampleStream().limit(64).collect(Collectors.toList());
    int senders = 4;
    int perSender = 200;
    ExecutorService executor = Executors.newFixedThreadPool(senders);
    try (ConnectionPair pair = Loopback.pair(NetworkConditions.builder().seed(1).chunking(Chunking.random(1, 700)).bufferSize(4096).build());
        MessageChannel<T> sending = MessageChannel.open(pair.client(), codec);
        MessageChannel<T> receiving = MessageChannel.open(pair.server(), codec)) {
      CompletableFuture<List<T>> received =
          CompletableFuture.supplyAsync(
              () -> {
                List<T> got = new ArrayList<>();
                try {
                  T m;
                  while ((m = receiving.receive()) != null) {
                    got.add(m);
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                return got;
              });
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int offset = s;
        futures.add(
            executor.submit(
                () -> {
                  int i = 0;
                  while (i < perSender) {
                    if (i % 10 == 0 && i + 3 <= perSender) {
                      sending.sendAll(List.of(message(pool, offset, i), message(pool, offset, i + 1), message(pool, offset, i + 2)));
                      i += 3;
                    } else {
                      sending.send(message(pool, offset, i++));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pair.client().shutdownOutput();
      List<T> got = received.get(60, TimeUnit.SECONDS);
      assertEquals(senders * perSender, got.size(), "frames received");
      Map<String, Integer> expected = new HashMap<>();
      for (int s = 0; s < senders; s++) {
        for (int i = 0; i < perSender; i++) {
          expected.merge(fingerprint(codec, message(pool, s, i)), 1, Integer::sum);
        }
      }
      Map<String, Integer> actual = new HashMap<>();
      for (T m : got) {
        actual.merge(fingerprint(codec, m), 1, Integer::sum);
      }
      assertEquals(expected, actual, "the frames received are not the frames sent");
    } finally {
      executor.shutdownNow();
    }
  }

  @Property(tries = 30)
  default void receiveBatchDeliversEveryMessageOnceInOrder(
      @ForAll("conformanceMessages") List<T> messages, @ForAll long seed) throws Exception {
    FrameCodec<T> codec = codec(limit());
    NetworkConditions conditions =
        NetworkConditions.builder().seed(seed).chunking(Chunking.random(1, 700)).bufferSize(4096).build();
    try (ConnectionPair pair = Loopback.pair(conditions);
        MessageChannel<T> sending = MessageChannel.open(pair.client(), codec);
        MessageChannel<T> receiving = MessageChannel.open(pair.server(), codec)) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  sending.sendAll(messages);
                  pair.client().shutdownOutput();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      List<T> got = new ArrayList<>();
      while (receiving.receiveBatch(
          batch -> {
            assertTrue(!batch.isEmpty(), "an empty batch");
            for (T m : batch) {
              // Byte frames may be views of the channel's buffer, valid only inside the handler.
              got.add(m instanceof ByteBuffer ? keep(m) : m);
            }
          })) {
        assertTrue(got.size() <= messages.size(), "more messages than were sent");
      }
      writer.get(60, TimeUnit.SECONDS);
      assertEquals(messages.size(), got.size(), "messages received with receiveBatch");
      for (int i = 0; i < messages.size(); i++) {
        assertSameMessage(messages.get(i), got.get(i));
      }
    }
  }

  @Property(tries = 100)
  default void decodesFromABufferWhosePositionIsNotZero(
      @ForAll("conformanceMessages") List<T> messages,
      @ForAll Chunking chunking,
      @ForAll long seed,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 64) int offset)
      throws IOException {
    FrameCodec<T> codec = codec(limit());
    byte[] encoded = encodeAll(codec, messages);
    List<T> decoded = new ArrayList<>();
    decodeInto(codec, chunking.split(encoded, seed), limit() + maxOverhead(), offset, decoded, new ArrayList<>());
    assertEquals(
        messages.size(),
        decoded.size(),
        codec + ": frames decoded with the unconsumed bytes at index " + offset
            + " of a buffer whose array starts at offset " + offset);
    for (int i = 0; i < messages.size(); i++) {
      assertSameMessage(messages.get(i), decoded.get(i));
    }
  }

  @Property(tries = 200)
  default void decoderErrorsAreTerminal(
      @ForAll("garbage") byte[] garbage, @ForAll("conformanceMessages") List<T> valid)
      throws IOException {
    FrameCodec<T> codec = codec(limit());
    FrameDecoder<T> decoder = codec.newDecoder();
    ByteBuffer buffer = ByteBuffer.wrap(garbage);
    FrameException first = null;
    try {
      while (decoder.decode(buffer) != null) {
        // frames found in garbage are fine; an error is what this checks
      }
      while (decoder.decodeAtEnd(buffer) != null) {
        // frames that the end of stream completes
      }
    } catch (FrameTooLongException e) {
      if (!e.discarded()) {
        first = e;
      }
    } catch (FrameException e) {
      first = e;
    }
    if (first == null) {
      return; // these bytes did not break the format: nothing to check
    }
    // Well-formed frames after the error: a decoder that forgot the error would decode them.
    FrameException original = first;
    byte[] wellFormed = encodeAll(codec, valid);
    assertThrows(
        FrameException.class,
        () -> decoder.decode(ByteBuffer.wrap(wellFormed)),
        codec + ": decoding went on after " + original + " (errors must be terminal)");
    assertThrows(
        FrameException.class,
        () -> decoder.decodeAtEnd(ByteBuffer.wrap(wellFormed)),
        codec + ": decodeAtEnd went on after " + original + " (errors must be terminal)");
  }

  /** A copy of a byte frame that outlives a {@code receiveBatch} handler. */
  @SuppressWarnings("unchecked")
  private static <T> T keep(T frame) {
    ByteBuffer view = (ByteBuffer) frame;
    return (T) ByteBuffer.wrap(toArray(view.duplicate()));
  }

  // ---- the harness, public so that your own tests can feed decoders the same way

  /** The bytes of {@code messages} encoded one after another. */
  static <T> byte[] encodeAll(FrameCodec<T> codec, List<T> messages) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (T m : messages) {
      out.writeBytes(toArray(codec.encodeToBuffer(m)));
    }
    return out.toByteArray();
  }

  /**
   * Feeds {@code pieces} to a new decoder through a buffer of {@code capacity} bytes, as a
   * connection would, then ends the stream; fails if the decoder needs more than {@code capacity}
   * bytes buffered to make progress. Skips frames a discarding codec reports as too long.
   */
  static <T> List<T> decodeAll(FrameCodec<T> codec, List<ByteBuffer> pieces, int capacity)
      throws IOException {
    List<T> out = new ArrayList<>();
    decodeInto(codec, pieces, capacity, 0, out, new ArrayList<>());
    return out;
  }

  /**
   * Like {@link #decodeAll}, collecting frames into {@code out} as they come and, if {@code
   * discarded} is not null, the too-long frames a discarding codec skipped (else they are thrown).
   * The unconsumed bytes always start at index {@code offset} of a buffer whose array starts at
   * {@code offset} too, so a decoder that assumes position 0 or {@code arrayOffset() == 0} fails.
   */
  private static <T> void decodeInto(
      FrameCodec<T> codec,
      List<ByteBuffer> pieces,
      int capacity,
      int offset,
      List<T> out,
      List<FrameTooLongException> discarded)
      throws IOException {
    FrameDecoder<T> decoder = codec.newDecoder();
    ByteBuffer buffer = ByteBuffer.allocate(2 * offset + capacity).position(offset).slice();
    int end = offset + capacity;
    buffer.position(offset).limit(offset);
    for (ByteBuffer original : pieces) {
      ByteBuffer piece = original.duplicate();
      while (piece.hasRemaining()) {
        int kept = buffer.remaining();
        if (buffer.position() != offset) {
          // Like a channel's compaction, but to index offset instead of 0.
          ByteBuffer unconsumed = buffer.duplicate();
          buffer.limit(end).position(offset);
          buffer.put(unconsumed);
          buffer.position(offset).limit(offset + kept);
        }
        int n = Math.min(piece.remaining(), end - buffer.limit());
        if (n == 0) {
          fail(codec + ": the decoder made no progress with " + capacity + " bytes buffered (limit plus overhead)");
        }
        int at = buffer.limit();
        buffer.limit(at + n);
        buffer.put(at, piece, piece.position(), n);
        piece.position(piece.position() + n);
        drain(codec, decoder, buffer, out, discarded, false);
      }
    }
    drain(codec, decoder, buffer, out, discarded, true);
  }

  private static <T> void drain(
      FrameCodec<T> codec,
      FrameDecoder<T> decoder,
      ByteBuffer buffer,
      List<T> out,
      List<FrameTooLongException> discarded,
      boolean atEnd)
      throws IOException {
    while (true) {
      int before = buffer.position();
      T frame;
      try {
        frame = atEnd ? decoder.decodeAtEnd(buffer) : decoder.decode(buffer);
      } catch (FrameTooLongException e) {
        if (e.discarded() && discarded != null) {
          discarded.add(e);
          continue;
        }
        throw e;
      }
      checkConsumed(codec, before, buffer.position(), frame != null);
      if (frame == null) {
        return;
      }
      out.add(frame);
    }
  }

  /** Fails at once, naming the rule, if a decode broke the buffer contract. */
  private static void checkConsumed(FrameCodec<?> codec, int before, int after, boolean frame) {
    if (after < before) {
      fail(codec + ": the decoder moved the buffer's position backwards, from " + before + " to "
          + after + "; FrameDecoder may only consume bytes");
    }
    if (frame && after == before) {
      fail(codec + ": the decoder returned a frame without consuming any input (position stayed at "
          + before + "), so it would return that frame forever; FrameDecoder must advance the"
          + " position past every frame it returns");
    }
  }

  private static <T> T message(List<T> pool, int sender, int i) {
    return pool.get((sender * 7 + i) % pool.size());
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static <T> String fingerprint(FrameCodec<T> codec, T message) {
    try {
      return java.util.Base64.getEncoder().encodeToString(toArray(codec.encodeToBuffer(message)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
