package dev.sockettoolkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.LengthPrefixCodec;
import dev.sockettoolkit.framing.LineCodec;
import dev.sockettoolkit.framing.TooLongPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * jqwik generators for network tests: frames with edge sizes, chunkings, network conditions and
 * codec configurations.
 *
 * <pre>{@code
 * @Property
 * void survivesAnyNetwork(@ForAll("frames") List<byte[]> frames,
 *                         @ForAll NetworkConditions conditions) throws Exception {
 *   try (ConnectionPair pair = Loopback.pair(conditions)) { ... }
 * }
 *
 * @Provide
 * Arbitrary<List<byte[]>> frames() {
 *   return Generators.frames(1024).list().ofMaxSize(20);
 * }
 * }</pre>
 *
 * <p>{@code @ForAll Chunking} and {@code @ForAll NetworkConditions} work without a provider method
 * (the testkit registers them with jqwik); {@code @From(supplier = Generators.SmallFrames.class)} and the
 * other nested suppliers name a generator directly. Large frames are filled from a generated seed,
 * so they are cheap to generate and shrink by size.
 */
public final class Generators {
  private Generators() {}

  /**
   * Frames of 0 to {@code limit} bytes, often at the edges: 0, 1, {@code limit - 1} and {@code
   * limit}.
   */
  public static Arbitrary<byte[]> frames(int limit) {
    checkArgument(limit >= 0, "limit must be >= 0, got %s", limit);
    return framesOfSize(
        Arbitraries.frequencyOf(
            weighted(3, Arbitraries.integers().between(0, limit)),
            weighted(1, Arbitraries.of(edges(limit, false)))));
  }

  /**
   * Frames around a limit, for testing its enforcement: sizes 0, 1, {@code limit - 1}, {@code
   * limit} and {@code limit + 1}, and now and then a much larger one (up to twice the limit).
   */
  public static Arbitrary<byte[]> framesAroundLimit(int limit) {
    checkArgument(limit >= 1, "limit must be >= 1, got %s", limit);
    return framesOfSize(
        Arbitraries.frequencyOf(
            weighted(4, Arbitraries.of(edges(limit, true))),
            weighted(1, Arbitraries.integers().between(limit + 1, 2 * limit))));
  }

  /** Frames whose sizes {@code sizes} chooses, filled with seeded random bytes. */
  public static Arbitrary<byte[]> framesOfSize(Arbitrary<Integer> sizes) {
    return Combinators.combine(sizes, Arbitraries.longs())
        .as(
            (size, seed) -> {
              byte[] frame = new byte[size];
              new Random(seed).nextBytes(frame);
              return frame;
            });
  }

  /**
   * Ways to cut a stream: whole, one byte at a time, fixed pieces and random pieces. One-byte and
   * whole are drawn often, as they find the most bugs.
   */
  public static Arbitrary<Chunking> chunkings() {
    return Arbitraries.frequencyOf(
        weighted(2, Arbitraries.just(Chunking.whole())),
        weighted(2, Arbitraries.just(Chunking.oneByte())),
        weighted(2, Arbitraries.integers().between(2, 64).map(size -> Chunking.fixed(size))),
        weighted(3, Arbitraries.integers().between(2, 4096).map(max -> Chunking.random(max))));
  }

  /**
   * Hostile but loss-free networks: any chunking, buffers from 1 byte to 64 KiB, and sometimes a
   * latency of up to 2 ms with jitter; each with a generated seed. Faults are left out, so every
   * byte written arrives: use {@link #faultyNetworkConditions(long)} to add them.
   */
  public static Arbitrary<NetworkConditions> networkConditions() {
    Arbitrary<Integer> buffers =
        Arbitraries.frequencyOf(
            weighted(1, Arbitraries.of(1, 2, 7, 64 * 1024)),
            weighted(3, Arbitraries.integers().between(1, 64 * 1024)));
    Arbitrary<Duration> latencies =
        Arbitraries.frequencyOf(
            weighted(4, Arbitraries.just(Duration.ZERO)),
            weighted(1, Arbitraries.integers().between(1, 2000).map(micros -> Duration.ofNanos(micros * 1000L))));
    return Combinators.combine(Arbitraries.longs(), chunkings(), buffers, latencies)
        .as(
            (seed, chunking, buffer, latency) ->
                NetworkConditions.builder()
                    .seed(seed)
                    .chunking(chunking)
                    .bufferSize(buffer)
                    .latency(latency, latency.dividedBy(2))
                    .build());
  }

  /**
   * {@link #networkConditions()} plus one fault (reset, end of stream, corrupted byte or a short
   * stall) placed at a byte offset below {@code streamLength}.
   */
  public static Arbitrary<NetworkConditions> faultyNetworkConditions(long streamLength) {
    checkArgument(streamLength > 0, "streamLength must be positive, got %s", streamLength);
    Arbitrary<Fault> faults =
        Combinators.combine(
                Arbitraries.of(Fault.Kind.class), Arbitraries.longs().between(0, streamLength - 1))
            .as(Generators::fault);
    return Combinators.combine(networkConditions(), faults)
        .as((conditions, fault) -> conditions.toBuilder().fault(fault).build());
  }

  /**
   * Length-prefix codecs in every configuration that can carry {@code maxFrameSize}: field widths
   * 1, 2, 3, 4, 8 and varint, both byte orders, the length with or without the header, an optional
   * fixed header, and both too-long policies. Each codec's {@code toString()} names its settings.
   */
  public static Arbitrary<FrameCodec<ByteBuffer>> lengthPrefixCodecs(int maxFrameSize) {
    checkArgument(maxFrameSize > 0, "maxFrameSize must be positive, got %s", maxFrameSize);
    List<Integer> widths =
        IntStream.of(0, 1, 2, 3, 4, 8)
            .filter(w -> w == 0 || w >= 3 || maxFrameSize + 20 < (1L << (8 * w)))
            .boxed()
            .collect(Collectors.toList());
    return Combinators.combine(
            Arbitraries.of(widths),
            Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN),
            Arbitraries.of(false, true),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(4),
            Arbitraries.of(TooLongPolicy.class))
        .as(
            (width, order, includesHeader, header, policy) -> {
              LengthPrefixCodec.Builder b = FrameCodecs.lengthPrefix().maxFrameSize(maxFrameSize).onTooLong(policy);
              if (width == 0) {
                b.varint();
              } else {
                b.width(width).byteOrder(order);
                if (includesHeader) {
                  b.lengthIncludesHeader();
                }
              }
              if (header.length > 0) {
                b.fixedHeader(header);
              }
              return b.build();
            });
  }

  /**
   * Line codecs in every configuration: each terminator, each final-line policy, both too-long
   * policies, with {@code maxLineLength} bytes per line.
   */
  public static Arbitrary<LineCodec> lineCodecs(int maxLineLength) {
    checkArgument(maxLineLength > 0, "maxLineLength must be positive, got %s", maxLineLength);
    return Combinators.combine(
            Arbitraries.of(LineCodec.Terminator.class),
            Arbitraries.of(LineCodec.FinalLine.class),
            Arbitraries.of(TooLongPolicy.class))
        .as(
            (terminator, finalLine, policy) ->
                FrameCodecs.lines()
                    .terminator(terminator)
                    .finalLine(finalLine)
                    .onTooLong(policy)
                    .maxLineLength(maxLineLength)
                    .build());
  }

  /**
   * Delimiter codecs over delimiter sets that stress the decoder: a single NUL, LF, CRLF, CR and
   * CRLF together (one a prefix of the other), and a two-byte sequence; keeping or stripping the
   * delimiter and both too-long policies. Frames for them must avoid the bytes {@code 0x00},
   * {@code \r}, {@code \n} and {@code '|'}: see {@link #delimiterFreeFrames(int)}.
   */
  public static Arbitrary<FrameCodec<ByteBuffer>> delimiterCodecs(int maxFrameSize) {
    checkArgument(maxFrameSize > 0, "maxFrameSize must be positive, got %s", maxFrameSize);
    List<byte[][]> sets =
        List.of(
            new byte[][] {{0}},
            new byte[][] {{'\n'}},
            new byte[][] {{'\r', '\n'}},
            new byte[][] {{'\r'}, {'\r', '\n'}},
            new byte[][] {{'|', '|'}});
    return Combinators.combine(Arbitraries.of(sets), Arbitraries.of(TooLongPolicy.class))
        .as((set, policy) -> FrameCodecs.delimiter(set).maxFrameSize(maxFrameSize).onTooLong(policy).build());
  }

  /** Frames up to {@code limit} bytes without {@code 0x00}, {@code \r}, {@code \n} or {@code '|'}. */
  public static Arbitrary<byte[]> delimiterFreeFrames(int limit) {
    return frames(limit)
        .map(
            f -> {
              byte[] copy = f.clone();
              for (int i = 0; i < copy.length; i++) {
                byte b = copy[i];
                if (b == 0 || b == '\r' || b == '\n' || b == '|') {
                  copy[i] = 'x';
                }
              }
              return copy;
            });
  }

  private static Fault fault(Fault.Kind kind, long offset) {
    switch (kind) {
      case RESET:
        return Fault.resetAt(offset);
      case END_OF_STREAM:
        return Fault.endOfStreamAt(offset);
      case STALL:
        return Fault.stallAt(offset, Duration.ofMillis(20));
      default:
        return Fault.corruptAt(offset);
    }
  }

  private static List<Integer> edges(int limit, boolean beyond) {
    return IntStream.of(0, 1, limit - 1, limit, beyond ? limit + 1 : limit)
        .filter(n -> n >= 0)
        .distinct()
        .boxed()
        .collect(Collectors.toList());
  }

  private static <T> Tuple2<Integer, Arbitrary<? extends T>> weighted(
      int weight, Arbitrary<? extends T> arbitrary) {
    return Tuple.of(weight, arbitrary);
  }

  /** {@code @From} supplier of frames up to 1 KiB. */
  public static final class SmallFrames implements ArbitrarySupplier<byte[]> {
    /** Used by jqwik. */
    public SmallFrames() {}

    @Override
    public Arbitrary<byte[]> get() {
      return frames(1024);
    }
  }

  /** {@code @From} supplier of frames up to 256 KiB, edges included. */
  public static final class LargeFrames implements ArbitrarySupplier<byte[]> {
    /** Used by jqwik. */
    public LargeFrames() {}

    @Override
    public Arbitrary<byte[]> get() {
      return frames(256 * 1024);
    }
  }

  /** {@code @From} supplier of {@link #chunkings()}. */
  public static final class AnyChunking implements ArbitrarySupplier<Chunking> {
    /** Used by jqwik. */
    public AnyChunking() {}

    @Override
    public Arbitrary<Chunking> get() {
      return chunkings();
    }
  }

  /** {@code @From} supplier of {@link #networkConditions()}. */
  public static final class AnyNetworkConditions implements ArbitrarySupplier<NetworkConditions> {
    /** Used by jqwik. */
    public AnyNetworkConditions() {}

    @Override
    public Arbitrary<NetworkConditions> get() {
      return networkConditions();
    }
  }
}
