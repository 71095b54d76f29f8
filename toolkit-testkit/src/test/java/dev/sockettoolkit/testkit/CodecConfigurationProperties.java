package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.LineCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every generated codec configuration round-trips frames under any chunking. */
class CodecConfigurationProperties {
  private static final int LIMIT = 300;

  @Property(tries = 300)
  void anyLengthPrefixConfigurationRoundTrips(
      @ForAll("lengthPrefixCodecs") FrameCodec<ByteBuffer> codec,
      @ForAll("frames") List<byte[]> frames,
      @ForAll Chunking chunking,
      @ForAll long seed)
      throws IOException {
    roundTrip(codec, frames.stream().map(ByteBuffer::wrap).collect(Collectors.toList()), chunking, seed);
  }

  @Property(tries = 300)
  void anyDelimiterConfigurationRoundTrips(
      @ForAll("delimiterCodecs") FrameCodec<ByteBuffer> codec,
      @ForAll("delimiterFreeFrames") List<byte[]> frames,
      @ForAll Chunking chunking,
      @ForAll long seed)
      throws IOException {
    roundTrip(codec, frames.stream().map(ByteBuffer::wrap).collect(Collectors.toList()), chunking, seed);
  }

  @Property(tries = 300)
  void anyLineConfigurationRoundTrips(
      @ForAll("lineCodecs") LineCodec codec,
      @ForAll("lines") List<String> lines,
      @ForAll Chunking chunking,
      @ForAll long seed)
      throws IOException {
    roundTrip(codec, lines, chunking, seed);
  }

  private static <T> void roundTrip(FrameCodec<T> codec, List<T> frames, Chunking chunking, long seed)
      throws IOException {
    byte[] encoded = CodecConformance.encodeAll(codec, frames);
    List<T> decoded = CodecConformance.decodeAll(codec, chunking.split(encoded, seed), LIMIT + 128);
    assertEquals(frames, decoded, codec + " under " + chunking);
  }

  @Provide
  Arbitrary<FrameCodec<ByteBuffer>> lengthPrefixCodecs() {
    return Generators.lengthPrefixCodecs(LIMIT);
  }

  @Provide
  Arbitrary<FrameCodec<ByteBuffer>> delimiterCodecs() {
    return Generators.delimiterCodecs(LIMIT);
  }

  @Provide
  Arbitrary<LineCodec> lineCodecs() {
    return Generators.lineCodecs(LIMIT);
  }

  @Provide
  Arbitrary<List<byte[]>> frames() {
    return Generators.frames(LIMIT).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<byte[]>> delimiterFreeFrames() {
    return Generators.delimiterFreeFrames(LIMIT).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<String>> lines() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars(" é€").ofMaxLength(LIMIT / 3).list().ofMaxSize(8);
  }
}
