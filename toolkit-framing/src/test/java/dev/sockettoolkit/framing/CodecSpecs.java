package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of codecs with every option, each with frames to send and a twin codec of the
 * same format with a larger limit (to make frames its sibling must reject).
 */
final class CodecSpecs {
  private CodecSpecs() {}

  /** A codec under test. */
  static final class Spec {
    final String name;
    final FrameCodec<Object> codec;
    /** The same format with {@code max} raised by {@link #EXTRA}, and CLOSE. */
    final FrameCodec<Object> larger;
    final Arbitrary<Object> frames;
    final boolean discards;

    @SuppressWarnings("unchecked")
    Spec(String name, IntFunction<FrameCodec<?>> byMax, int max, Arbitrary<Object> frames,
        IntFunction<FrameCodec<?>> largerByMax, boolean discards) {
      this.name = name;
      this.codec = (FrameCodec<Object>) byMax.apply(max);
      this.larger = (FrameCodec<Object>) largerByMax.apply(max + EXTRA);
      this.frames = frames;
      this.discards = discards;
    }

    @Override
    public String toString() {
      return name + " " + codec;
    }
  }

  static final int EXTRA = 40;

  /** Every codec family. */
  static Arbitrary<Spec> all() {
    return Arbitraries.oneOf(
        lengthPrefix(), lengthPrefix(), delimiter(), delimiter(), lines(), lines(), fixedLength(),
        utf8(), netstring());
  }

  /** Bytes from a small alphabet full of delimiter and line-terminator bytes, or any bytes. */
  static Arbitrary<byte[]> bytes(int maxLength) {
    Arbitrary<Byte> small = Arbitraries.of((byte) 0, (byte) 1, (byte) 2, (byte) '\r', (byte) '\n', (byte) 'a');
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.oneOf(small, any).list().ofMaxSize(maxLength).map(list -> {
      byte[] b = new byte[list.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = list.get(i);
      }
      return b;
    });
  }

  static Arbitrary<Object> buffers(int maxLength) {
    return bytes(maxLength).map(ByteBuffer::wrap);
  }

  static Arbitrary<Object> strings(int maxLength) {
    Arbitrary<Character> chars =
        Arbitraries.oneOf(
            Arbitraries.of('a', 'b', ' ', '\r', '\n', 'é', '€', '\uD83D'),
            Arbitraries.chars().ascii());
    return chars.list().ofMaxSize(maxLength).map(list -> {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < list.size(); i++) {
        char c = list.get(i);
        if (c == '\uD83D') {
          sb.append("\uD83D\uDE00"); // a whole surrogate pair
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    });
  }

  static Arbitrary<Object> latin1(int maxLength) {
    return Arbitraries.oneOf(Arbitraries.of('a', '\r', '\n', 'é', 'ÿ'), Arbitraries.chars().range('\0', 'ÿ'))
        .list().ofMaxSize(maxLength)
        .map(list -> {
          StringBuilder sb = new StringBuilder();
          list.forEach(sb::append);
          return sb.toString();
        });
  }

  static Arbitrary<Spec> lengthPrefix() {
    Arbitrary<Integer> width = Arbitraries.of(0, 1, 2, 3, 4, 8);
    Arbitrary<ByteOrder> order = Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN);
    Arbitrary<Integer> adjustmentKind = Arbitraries.of(0, 1, 2); // none, includes header, number
    Arbitrary<Integer> adjustment = Arbitraries.integers().between(-3, 20);
    Arbitrary<byte[]> header = Arbitraries.oneOf(Arbitraries.just(new byte[0]), bytes(4));
    Arbitrary<Integer> max = Arbitraries.integers().between(0, 200);
    Arbitrary<TooLongPolicy> policy = Arbitraries.of(TooLongPolicy.class);
    return Combinators.combine(width, order, adjustmentKind, adjustment, header, max, policy)
        .as((w, o, kind, adj, h, m, p) -> {
          boolean includes = kind == 1 && w != 0;
          int a = kind == 2 ? adj : 0;
          IntFunction<LengthPrefixCodec.Builder> builder = limit -> {
            LengthPrefixCodec.Builder b = FrameCodecs.lengthPrefix();
            if (w == 0) {
              b.varint();
            } else {
              b.width(w);
            }
            b.byteOrder(o).lengthAdjustment(a).fixedHeader(h).maxFrameSize(limit);
            if (includes) {
              b.lengthIncludesHeader();
            }
            return b;
          };
          int limit = w == 1 ? Math.min(m, 255 - 40 - Math.max(0, a) - (includes ? h.length + 1 : 0)) : m;
          int lim = Math.max(0, limit);
          return new Spec(
              "lengthPrefix",
              l -> builder.apply(l).onTooLong(p).build(),
              lim,
              buffers(lim + 10),
              l -> builder.apply(l).build(),
              p == TooLongPolicy.DISCARD);
        });
  }

  static Arbitrary<Spec> delimiter() {
    Arbitrary<byte[]> delimiter =
        Arbitraries.of((byte) 0, (byte) 1, (byte) '\r', (byte) '\n').list().ofMinSize(1).ofMaxSize(3)
            .map(list -> {
              byte[] b = new byte[list.size()];
              for (int i = 0; i < b.length; i++) {
                b[i] = list.get(i);
              }
              return b;
            });
    Arbitrary<byte[][]> delimiters =
        delimiter.list().ofMinSize(1).ofMaxSize(3).map(l -> l.toArray(new byte[0][]));
    Arbitrary<Boolean> keep = Arbitraries.of(false, true);
    Arbitrary<Integer> max = Arbitraries.integers().between(0, 100);
    Arbitrary<TooLongPolicy> policy = Arbitraries.of(TooLongPolicy.class);
    return Combinators.combine(delimiters, keep, max, policy)
        .as((d, k, m, p) -> new Spec(
            "delimiter",
            l -> FrameCodecs.delimiter(d).keepDelimiter(k).maxFrameSize(l).onTooLong(p).build(),
            m,
            k ? bytes(m + 10).map(b -> withDelimiter(b, d)) : buffers(m + 10),
            l -> FrameCodecs.delimiter(d).keepDelimiter(k).maxFrameSize(l).build(),
            p == TooLongPolicy.DISCARD));
  }

  private static Object withDelimiter(byte[] b, byte[][] delimiters) {
    byte[] d = delimiters[b.length % delimiters.length];
    ByteBuffer frame = ByteBuffer.allocate(b.length + d.length);
    frame.put(b).put(d).flip();
    return frame;
  }

  static Arbitrary<Spec> lines() {
    Arbitrary<LineCodec.Terminator> terminator = Arbitraries.of(LineCodec.Terminator.class);
    Arbitrary<Charset> charset = Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1);
    Arbitrary<Boolean> replace = Arbitraries.of(false, true);
    Arbitrary<Integer> max = Arbitraries.integers().between(0, 100);
    Arbitrary<TooLongPolicy> policy = Arbitraries.of(TooLongPolicy.class);
    Arbitrary<LineCodec.FinalLine> finalLine = Arbitraries.of(LineCodec.FinalLine.class);
    return Combinators.combine(terminator, charset, replace, max, policy, finalLine)
        .as((t, c, r, m, p, f) -> {
          IntFunction<LineCodec.Builder> builder = l -> {
            LineCodec.Builder b =
                FrameCodecs.lines().terminator(t).charset(c).maxLineLength(l).finalLine(f);
            if (r) {
              b.replaceMalformedInput();
            }
            return b;
          };
          return new Spec(
              "lines",
              l -> builder.apply(l).onTooLong(p).build(),
              m,
              c.equals(StandardCharsets.UTF_8) ? strings(m + 5) : latin1(m + 5),
              l -> builder.apply(l).build(),
              p == TooLongPolicy.DISCARD);
        });
  }

  static Arbitrary<Spec> fixedLength() {
    return Arbitraries.integers().between(1, 20).map(n -> new Spec(
        "fixedLength",
        l -> FrameCodecs.fixedLength(l),
        n,
        bytes(n).filter(b -> b.length == n || b.length == 0)
            .map(b -> ByteBuffer.wrap(b.length == n ? b : new byte[n])),
        l -> FrameCodecs.fixedLength(l),
        false));
  }

  static Arbitrary<Spec> utf8() {
    return Arbitraries.integers().between(0, 100).map(m -> new Spec(
        "utf8",
        l -> FrameCodecs.utf8(FrameCodecs.lengthPrefix().width(2).maxFrameSize(l).build()),
        m,
        strings(m / 2 + 5),
        l -> FrameCodecs.utf8(FrameCodecs.lengthPrefix().width(2).maxFrameSize(l).build()),
        false));
  }

  static Arbitrary<Spec> netstring() {
    return Arbitraries.integers().between(0, 120).map(m -> new Spec(
        "netstring", NetstringCodec::new, m, buffers(m + 10), NetstringCodec::new, false));
  }
}
