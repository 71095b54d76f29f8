package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameSink;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MalformedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The conformance suite itself catches decoders that break the contract, fast and by name, instead
 * of hanging or filling the heap. Each check is called directly with inputs that expose the bug.
 */
class CodecConformanceSelfTest {
  private static final Duration FAST = Duration.ofSeconds(1);

  /** One byte frames: {@code [n][n bytes]}; the decoder's flaw is chosen per test. */
  private enum Flaw { STUCK, FORGETS_ERRORS, IGNORES_ARRAY_OFFSET }

  private static final class Flawed implements CodecConformance<ByteBuffer> {
    private final Flaw flaw;

    Flawed(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    public FrameCodec<ByteBuffer> codec(int maxFrameSize) {
      return new FrameCodec<>() {
        @Override
        public FrameDecoder<ByteBuffer> newDecoder() {
          return in -> {
            if (!in.hasRemaining()) {
              return null;
            }
            int length = in.get(in.position()) & 0xFF;
            if (length > maxFrameSize) {
              throw new MalformedFrameException("length " + length); // never remembered
            }
            if (in.remaining() < 1 + length) {
              return null;
            }
            ByteBuffer frame = ByteBuffer.allocate(length);
            if (flaw == Flaw.IGNORES_ARRAY_OFFSET) {
              System.arraycopy(in.array(), in.position() + 1, frame.array(), 0, length);
            } else {
              frame.put(0, in, in.position() + 1, length);
            }
            if (flaw != Flaw.STUCK) {
              in.position(in.position() + 1 + length);
            }
            return frame;
          };
        }

        @Override
        public void encode(ByteBuffer frame, FrameSink out) throws IOException {
          if (frame.remaining() > maxFrameSize) {
            throw new FrameTooLongException(frame.remaining(), maxFrameSize, false, "the limit");
          }
          out.put((byte) frame.remaining());
          out.put(frame);
        }

        @Override
        public int maxFrameSize() {
          return maxFrameSize;
        }

        @Override
        public String toString() {
          return "Flawed(" + flaw + ")";
        }
      };
    }

    @Override
    public Arbitrary<ByteBuffer> messages(int maxFrameSize) {
      return Generators.frames(Math.min(maxFrameSize, 200)).map(ByteBuffer::wrap);
    }

    @Override
    public int frameSize(ByteBuffer message) {
      return message.remaining();
    }

    @Override
    public int limit() {
      return 200;
    }
  }

  private static final List<ByteBuffer> MESSAGES =
      List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.wrap(new byte[] {4}));

  @Test
  void aStuckDecoderFailsTheRoundTripAtOnceNamingTheRule() {
    Flawed suite = new Flawed(Flaw.STUCK);
    AssertionFailedError e =
        assertTimeoutPreemptively(
            FAST,
            () -> assertThrows(
                AssertionFailedError.class,
                () -> suite.roundTripUnderAnyChunking(MESSAGES, Chunking.oneByte(), 7)));
    assertTrue(e.getMessage().contains("without consuming any input"), e.getMessage());
    assertTrue(e.getMessage().contains("Flawed(STUCK)"), e.getMessage());
  }

  @Test
  void aStuckDecoderFailsTheChannelChecksAtOnce() {
    Flawed suite = new Flawed(Flaw.STUCK);
    IllegalStateException e =
        assertTimeoutPreemptively(
            FAST,
            () -> assertThrows(
                IllegalStateException.class,
                () -> suite.receiveBatchDeliversEveryMessageOnceInOrder(MESSAGES, 7)));
    assertTrue(e.getMessage().contains("Flawed(STUCK)"), e.getMessage());
  }

  @Test
  void aDecoderThatForgetsItsErrorIsCaught() {
    Flawed suite = new Flawed(Flaw.FORGETS_ERRORS);
    byte[] garbage = {(byte) 250, 1, 2};
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () -> suite.decoderErrorsAreTerminal(garbage, MESSAGES));
    assertTrue(e.getMessage().contains("errors must be terminal"), e.getMessage());
  }

  @Test
  void aDecoderThatIgnoresTheArrayOffsetIsCaught() {
    Flawed suite = new Flawed(Flaw.IGNORES_ARRAY_OFFSET);
    assertThrows(
        AssertionFailedError.class,
        () -> suite.decodesFromABufferWhosePositionIsNotZero(MESSAGES, Chunking.whole(), 1, 5));
  }
}
