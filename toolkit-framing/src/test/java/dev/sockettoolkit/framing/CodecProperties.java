package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.framing.CodecSpecs.Spec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of every codec and option combination ({@link CodecSpecs}): round trips under any
 * chunking, garbage, oversized frames.
 */
class CodecProperties {

  /** A codec with frames to send. */
  static final class Case {
    final Spec spec;
    final List<Object> frames;

    Case(Spec spec, List<Object> frames) {
      this.spec = spec;
      this.frames = frames;
    }

    @Override
    public String toString() {
      List<Object> values = new ArrayList<>();
      frames.forEach(f -> values.add(Decoding.value(f)));
      return spec + " frames " + values;
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return CodecSpecs.all().flatMap(spec -> spec.frames.list().ofMaxSize(8).map(f -> new Case(spec, f)));
  }

  @Provide
  Arbitrary<int[]> chunkings() {
    return Arbitraries.oneOf(
        Arbitraries.just(new int[] {1}),
        Arbitraries.just(new int[] {1 << 20}),
        Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(10)
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray()));
  }

  @Property(tries = 1000)
  void roundTripsUnderAnyChunking(@ForAll("cases") Case c, @ForAll("chunkings") int[] chunks)
      throws Exception {
    List<Object> expected = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Object frame : c.frames) {
      ByteBuffer encoded;
      try {
        encoded = c.spec.codec.encodeToBuffer(frame);
      } catch (FrameTooLongException e) {
        continue;
      } catch (MalformedFrameException e) {
        continue; // the frame contains its delimiter: refused, checked in the codec tests
      }
      expected.add(Decoding.value(frame));
      bytes.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
    }
    expected.add("end");
    byte[] all = bytes.toByteArray();
    assertEquals(expected, Decoding.run(c.spec.codec, all, chunks).events, "chunked");
    assertEquals(expected, Decoding.allAtOnce(c.spec.codec, all).events, "all at once");
    assertEquals(expected, Decoding.oneByteAtATime(c.spec.codec, all).events, "one byte at a time");
  }

  @Provide
  Arbitrary<Object[]> garbage() {
    return CodecSpecs.all().flatMap(spec -> Arbitraries.oneOf(
            CodecSpecs.bytes(300),
            spec.frames.list().ofMaxSize(6).flatMap(frames -> mutated(spec, frames)))
        .map(b -> new Object[] {spec, b}));
  }

  /** Valid encodings with a few bytes changed and maybe cut short. */
  private static Arbitrary<byte[]> mutated(Spec spec, List<Object> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object frame : frames) {
      try {
        ByteBuffer b = spec.larger.encodeToBuffer(frame);
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } catch (Exception e) {
        // refused: leave it out
      }
    }
    byte[] valid = out.toByteArray();
    return Arbitraries.longs().map(seed -> {
      Random random = new Random(seed);
      byte[] b = valid.clone();
      for (int i = random.nextInt(3); i > 0 && b.length > 0; i--) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      if (b.length > 0 && random.nextBoolean()) {
        b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      return b;
    });
  }

  @Property(tries = 1000)
  void garbageYieldsOnlyDocumentedOutcomesWhateverTheChunking(
      @ForAll("garbage") Object[] input, @ForAll("chunkings") int[] chunks) {
    Spec spec = (Spec) input[0];
    byte[] bytes = (byte[]) input[1];
    Decoding whole = Decoding.allAtOnce(spec.codec, bytes);
    Decoding chunked = Decoding.run(spec.codec, bytes, chunks);
    Decoding single = Decoding.oneByteAtATime(spec.codec, bytes);
    assertEquals(whole.events, chunked.events, "chunked");
    assertEquals(whole.events, single.events, "one byte at a time");
    long bound = (long) spec.codec.maxFrameSize() + Decoding.SLACK;
    for (Decoding d : List.of(whole, chunked, single)) {
      assertTrue(d.maxBuffered <= bound, "buffered " + d.maxBuffered + " > " + bound);
      Object last = d.events.get(d.events.size() - 1);
      assertTrue(
          last.equals("end")
              || last.toString().matches("(?s)(FrameTooLong|MalformedFrame|TruncatedFrame)Exception: .*"),
          "ends with " + last);
    }
  }

  @Property(tries = 600)
  void everyOversizedFrameIsRejected(@ForAll("cases") Case c, @ForAll("chunkings") int[] chunks)
      throws Exception {
    if (c.spec.name.equals("fixedLength")) {
      return; // a frame of another length is a different format, not an oversized frame
    }
    List<Object> expected = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean terminal = false;
    for (Object frame : c.frames) {
      ByteBuffer encoded;
      try {
        encoded = c.spec.larger.encodeToBuffer(frame);
      } catch (FrameException e) {
        continue;
      }
      bytes.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
      if (terminal) {
        continue;
      }
      try {
        c.spec.codec.encodeToBuffer(frame); // the encoder enforces the decoder's limit
        expected.add(Decoding.value(frame));
      } catch (FrameTooLongException e) {
        if (c.spec.discards) {
          expected.add("discarded");
        } else {
          expected.add("tooLong");
          terminal = true;
        }
      }
    }
    if (!terminal) {
      expected.add("end");
    }
    byte[] all = bytes.toByteArray();
    assertEquals(expected, normalize(Decoding.run(c.spec.codec, all, chunks).events));
    assertEquals(expected, normalize(Decoding.oneByteAtATime(c.spec.codec, all).events));
  }

  private static List<Object> normalize(List<Object> events) {
    List<Object> out = new ArrayList<>();
    for (Object e : events) {
      if (e instanceof String && ((String) e).startsWith("discarded")) {
        out.add("discarded");
      } else if (e instanceof String && ((String) e).startsWith("FrameTooLongException")) {
        out.add("tooLong");
      } else {
        out.add(e);
      }
    }
    return out;
  }
}
