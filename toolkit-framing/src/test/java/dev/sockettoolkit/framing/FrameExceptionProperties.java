package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The messages of the frame exceptions name the value, the limit and the fix; an unknown value
 * (-1) is said in words. Edge cases first: 0 is a known value.
 */
class FrameExceptionProperties {

  @Property(tries = 200, edgeCases = EdgeCasesMode.FIRST)
  void tooLongNamesTheLengthTheLimitAndTheSetting(
      @ForAll @LongRange(min = -1) long length,
      @ForAll @LongRange(min = 0) long limit,
      @ForAll boolean discarded) {
    FrameTooLongException e = new FrameTooLongException(length, limit, discarded, "knob(...)");
    String size = length == -1 ? "more than " + limit : String.valueOf(length);
    assertEquals(
        "frame of " + size + " bytes exceeds the maximum frame size of " + limit + " bytes; raise it"
            + " with knob(...) if such frames are expected"
            + (discarded ? " (the frame was discarded and decoding continues)" : ""),
        e.getMessage());
    assertEquals(length, e.length());
    assertEquals(limit, e.limit());
    assertEquals(discarded, e.discarded());
  }

  @Property(tries = 100, edgeCases = EdgeCasesMode.FIRST)
  void malformedNamesTheOffsetWhenItIsKnown(@ForAll @LongRange(min = -1) long offset) {
    MalformedFrameException e = new MalformedFrameException("bad byte", offset);
    assertEquals(offset == -1 ? "bad byte" : "bad byte (at byte offset " + offset + ")", e.getMessage());
    assertEquals(offset, e.offset());
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.FIRST)
  void truncatedSaysHowManyBytesCameAndHowManyWereMissing(
      @ForAll @LongRange(min = 1) long received, @ForAll @LongRange(min = -1) long missing) {
    TruncatedFrameException e = new TruncatedFrameException(received, missing);
    assertEquals(
        "end of stream inside a frame: received " + received + " bytes of it, "
            + (missing == -1 ? "the rest (at least 1 byte) never arrived" : missing + " bytes missing"),
        e.getMessage());
    assertEquals(received, e.receivedBytes());
    assertEquals(missing, e.missingBytes());
  }
}
