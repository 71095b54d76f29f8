package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecodingTest {

  /** ASCII whose decoder replaces a byte over 0x7F with '?', where the JDK's charsets put U+FFFD. */
  private static final class QuestionMarkAscii extends Charset {
    QuestionMarkAscii() {
      super("x-question-mark-ascii", null);
    }

    @Override
    public boolean contains(Charset cs) {
      return cs instanceof QuestionMarkAscii;
    }

    @Override
    public CharsetDecoder newDecoder() {
      return new CharsetDecoder(this, 1, 1) {
        @Override
        protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
          while (in.hasRemaining()) {
            byte b = in.get(in.position());
            if (b < 0) {
              return CoderResult.malformedForLength(1);
            }
            if (!out.hasRemaining()) {
              return CoderResult.OVERFLOW;
            }
            out.put((char) in.get());
          }
          return CoderResult.UNDERFLOW;
        }
      }.replaceWith("?");
    }

    @Override
    public CharsetEncoder newEncoder() {
      return StandardCharsets.US_ASCII.newEncoder();
    }
  }

  @Test
  void aCharsetThatDoesNotReplaceWithUfffdIsDecodedStrictly() {
    Charset charset = new QuestionMarkAscii();
    byte[] bytes = {'o', 'k', (byte) 0x80};
    assertEquals("ok?", new String(bytes, charset), "what the fast path would give");
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> new TextDecoding(charset, false).decode(ByteBuffer.wrap(bytes), 0, 3, 10, "line"));
    assertEquals("malformed x-question-mark-ascii input in a line (ask the codec builder for"
        + " replaceMalformedInput() to accept it as U+FFFD) (at byte offset 12)", e.getMessage());
  }

  @Test
  void malformedInputAtTheFirstByteIsFound() {
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> new TextDecoding(StandardCharsets.UTF_8, false)
            .decode(ByteBuffer.wrap(new byte[] {(byte) 0xFF, 'a'}), 0, 2, 7, "frame"));
    assertEquals(7, e.offset());
  }

  @Test
  void decodesACharsetOfMoreThanOneCharPerByte() throws Exception {
    Charset gb18030 = Charset.forName("GB18030");
    String text = "plain ASCII, then \u20AC and \uD83D\uDE00";
    byte[] bytes = text.getBytes(gb18030);
    TextDecoding decoding = new TextDecoding(gb18030, false);
    assertEquals(text, decoding.decode(ByteBuffer.wrap(bytes), 0, bytes.length, 0, "frame"));
  }

  @Test
  void strictEncodingRefusesAnUnpairedSurrogateNamingItsIndex() throws Exception {
    assertArrayEquals("a\uD83D\uDE00".getBytes(StandardCharsets.UTF_8),
        TextDecoding.encodeStrict("a\uD83D\uDE00", StandardCharsets.UTF_8));
    for (String text : new String[] {"a\uD800b", "a\uDC00", "a\uD800", "a\uDE00\uD83D"}) {
      MalformedFrameException e = assertThrows(MalformedFrameException.class,
          () -> TextDecoding.encodeStrict(text, StandardCharsets.UTF_8), text);
      assertEquals("the text has an unpaired surrogate char (at byte offset 1)", e.getMessage());
    }
  }
}
