package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link LineCodec#encode} writes what the charset's own encoding of the line and its terminator
 * is, or refuses the line at the same char, for any mix of ASCII, Latin-1 and other chars and
 * lines longer than the encoder's scratch array, one after another into the same sink.
 */
class LineEncodingProperties {

  @Provide
  Arbitrary<Charset> charsets() {
    return Arbitraries.of(
        StandardCharsets.UTF_8, StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1,
        Charset.forName("windows-1252"));
  }

  @Provide
  Arbitrary<List<String>> lines() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.strings().ascii().ofMaxLength(12),
            Arbitraries.strings().withCharRange('\u0080', '\u00FF').ofMaxLength(2),
            Arbitraries.of("€", "\uD83D\uDE00", "\uD800", "\r", "\n", "\r\n", "\uFFFD"),
            Arbitraries.strings().withChars('x', 'y').ofLength(5000));
    return Arbitraries.frequencyOf(
            Tuple.of(10, pieces.list().ofMaxSize(6).map(l -> String.join("", l))),
            Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(4000).ofMaxLength(9000)))
        .list()
        .ofMaxSize(5);
  }

  @Property(tries = 500)
  void encodesAsTheCharsetDoes(
      @ForAll("charsets") Charset charset,
      @ForAll LineCodec.Terminator terminator,
      @ForAll boolean replace,
      @ForAll("lines") List<String> lines) throws Exception {
    LineCodec.Builder builder = FrameCodecs.lines().charset(charset).terminator(terminator).maxLineLength(100_000);
    if (replace) {
      builder.replaceMalformedInput();
    }
    LineCodec codec = builder.build();
    ByteArraySink sink = new ByteArraySink();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<String> outcomes = new ArrayList<>();
    List<String> expectedOutcomes = new ArrayList<>();
    for (String line : lines) {
      String reference = reference(line, terminator, charset, replace, expected);
      expectedOutcomes.add(reference);
      try {
        codec.encode(line, sink);
        outcomes.add("ok");
      } catch (MalformedFrameException e) {
        outcomes.add("malformed at " + e.offset());
      }
    }
    assertEquals(expectedOutcomes, outcomes);
    ByteBuffer actual = sink.toBuffer();
    byte[] bytes = new byte[actual.remaining()];
    actual.get(bytes);
    assertEquals(
        new String(expected.toByteArray(), StandardCharsets.ISO_8859_1),
        new String(bytes, StandardCharsets.ISO_8859_1));
  }

  /** The encoder before its fast path: a char loop, then the charset's bytes. */
  private static String reference(
      String line, LineCodec.Terminator terminator, Charset charset, boolean replace,
      ByteArrayOutputStream out) throws MalformedFrameException {
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      boolean bad;
      switch (terminator) {
        case LF:
          bad = c == '\n';
          break;
        case CRLF:
          bad = c == '\r' && i + 1 < n && line.charAt(i + 1) == '\n';
          break;
        case LF_OR_CRLF:
          bad = c == '\n' || (c == '\r' && i == n - 1);
          break;
        default:
          bad = c == '\r' || c == '\n';
          break;
      }
      if (bad) {
        return "malformed at " + i;
      }
    }
    byte[] bytes;
    try {
      bytes = replace ? line.getBytes(charset) : TextDecoding.encodeStrict(line, charset);
    } catch (MalformedFrameException e) {
      return "malformed at " + e.offset();
    }
    out.writeBytes(bytes);
    boolean crlf = terminator == LineCodec.Terminator.CRLF || terminator == LineCodec.Terminator.STRICT_CRLF;
    out.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
    return "ok";
  }
}
