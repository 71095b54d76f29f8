package dev.sockettoolkit.reliability.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sockettoolkit.framing.DelimiterCodec;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.LengthPrefixCodec;
import dev.sockettoolkit.framing.LineCodec;
import dev.sockettoolkit.framing.TooLongPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of every decoder in toolkit-framing. Each target reads a codec
 * configuration and a chunking from the front of the input and hostile bytes from the rest, then
 * lets {@link DecoderHarness} check documented exceptions only, bounded buffering, progress, and
 * the same result however the bytes are split.
 *
 * <p>During {@code mvn verify} each target runs once per file of its seed corpus ({@code
 * src/test/resources/dev/sockettoolkit/reliability/fuzz/DecoderFuzzTestInputs/<target>/}). To
 * fuzz one target for real, see docs/RELIABILITY.md:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl toolkit-reliability test -Dtest=DecoderFuzzTest#lengthPrefix \
 *     -Djazzer.max_duration=10m
 * </pre>
 */
class DecoderFuzzTest {
  private static final int[] MAX_SIZES = {0, 1, 3, 16, 100, 255, 1000, 4096, 65_536};

  @FuzzTest(maxDuration = "5m")
  void lengthPrefix(FuzzedDataProvider data) {
    LengthPrefixCodec.Builder builder = FrameCodecs.lengthPrefix();
    int width = data.pickValue(new int[] {0, 1, 2, 3, 4, 8});
    if (width == 0) {
      builder.varint();
    } else {
      builder.width(width).byteOrder(data.consumeBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      if (data.consumeBoolean()) {
        builder.lengthIncludesHeader();
      }
    }
    builder.lengthAdjustment(data.consumeInt(-8, 8));
    builder.fixedHeader(data.consumeBytes(data.consumeInt(0, 3)));
    builder.maxFrameSize(data.pickValue(MAX_SIZES));
    builder.onTooLong(policy(data));
    FrameCodec<ByteBuffer> codec;
    try {
      codec = builder.build();
    } catch (IllegalArgumentException contradictory) {
      return; // a maximum the field cannot express: refused at build time, nothing to decode
    }
    decode(codec, data);
  }

  @FuzzTest(maxDuration = "5m")
  void delimiter(FuzzedDataProvider data) {
    int count = data.consumeInt(1, 3);
    byte[][] delimiters = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] d = data.consumeBytes(data.consumeInt(1, 4));
      delimiters[i] = d.length == 0 ? new byte[] {0} : d;
    }
    boolean keep = data.consumeBoolean();
    int longest = 0;
    for (byte[] d : delimiters) {
      longest = Math.max(longest, d.length);
    }
    DelimiterCodec codec =
        FrameCodecs.delimiter(delimiters)
            .keepDelimiter(keep)
            .maxFrameSize(data.pickValue(MAX_SIZES))
            .onTooLong(policy(data))
            .build();
    decode(codec, data, keep ? longest : 0);
  }

  @FuzzTest(maxDuration = "5m")
  void lines(FuzzedDataProvider data) {
    LineCodec.Builder builder =
        FrameCodecs.lines()
            .terminator(data.pickValue(LineCodec.Terminator.values()))
            .charset(data.pickValue(new Charset[] {
              StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.US_ASCII
            }))
            .maxLineLength(data.pickValue(MAX_SIZES))
            .onTooLong(policy(data))
            .finalLine(data.pickValue(LineCodec.FinalLine.values()));
    if (data.consumeBoolean()) {
      builder.replaceMalformedInput();
    }
    decode(builder.build(), data);
  }

  @FuzzTest(maxDuration = "5m")
  void fixedLength(FuzzedDataProvider data) {
    decode(FrameCodecs.fixedLength(data.consumeInt(1, 64)), data);
  }

  /** Strict UTF-8 mapped over a binary codec: malformed text must be a MalformedFrameException. */
  @FuzzTest(maxDuration = "5m")
  void utf8(FuzzedDataProvider data) {
    FrameCodec<ByteBuffer> binary =
        data.consumeBoolean()
            ? FrameCodecs.lengthPrefix().width(2)
                .maxFrameSize(Math.min(65_535, data.pickValue(MAX_SIZES))).build()
            : FrameCodecs.delimiter(new byte[] {0}).maxFrameSize(data.pickValue(MAX_SIZES))
                .onTooLong(policy(data)).build();
    decode(FrameCodecs.utf8(binary), data);
  }

  private static TooLongPolicy policy(FuzzedDataProvider data) {
    return data.consumeBoolean() ? TooLongPolicy.DISCARD : TooLongPolicy.CLOSE;
  }

  private static <T> void decode(FrameCodec<T> codec, FuzzedDataProvider data) {
    decode(codec, data, 0);
  }

  private static <T> void decode(FrameCodec<T> codec, FuzzedDataProvider data, int kept) {
    long chunkSeed = data.consumeLong();
    int maxChunk = data.consumeInt(1, 64);
    DecoderHarness.check(codec, data.consumeRemainingAsBytes(), chunkSeed, maxChunk, kept);
  }
}
