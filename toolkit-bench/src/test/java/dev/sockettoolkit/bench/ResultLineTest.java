package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ResultLineTest {
  /**
   * The format tools outside the project parse; it must not drift. The six fields before
   * {@code confidence} are those of every earlier run, in the same order and format.
   */
  private static final Pattern FORMAT =
      Pattern.compile(
          "RESULT name=[A-Za-z0-9._/%-]+ unit=[A-Za-z0-9._/%-]+"
              + " toolkit=(NaN|-?[0-9]+(\\.[0-9]+)?) netty=(NaN|-?[0-9]+(\\.[0-9]+)?)"
              + " ratio=(NaN|[0-9]+\\.[0-9]{3}) better=(higher|lower)"
              + " confidence=(high|indicative)");

  /** The fields of the format before this change: a parser of them reads the same prefix. */
  private static final Pattern EARLIER_FIELDS =
      Pattern.compile(
          "RESULT name=[A-Za-z0-9._/%-]+ unit=[A-Za-z0-9._/%-]+"
              + " toolkit=(NaN|-?[0-9]+(\\.[0-9]+)?) netty=(NaN|-?[0-9]+(\\.[0-9]+)?)"
              + " ratio=(NaN|[0-9]+\\.[0-9]{3}) better=(higher|lower)");

  @Test
  void formatsEveryFieldInOrderWithConfidenceLast() {
    String line = ResultLine.format(
        "plain.throughput.64B.1conn", "msg/s", 1_550_000.4, 1_290_000, ResultLine.Better.HIGHER, Confidence.HIGH);
    assertEquals(
        "RESULT name=plain.throughput.64B.1conn unit=msg/s toolkit=1550000 netty=1290000 ratio=1.202 better=higher"
            + " confidence=high",
        line);
    assertTrue(FORMAT.matcher(line).matches(), line);
    Matcher earlier = EARLIER_FIELDS.matcher(line);
    assertTrue(earlier.lookingAt(), line);
    assertEquals(" confidence=high", line.substring(earlier.end()));
  }

  @Test
  void smallValuesKeepTheirDigitsAndLowerIsBetterForLatency() {
    String line = ResultLine.format(
        "tls.latency.64B.p99.9", "us", 12.345, 0.5, ResultLine.Better.LOWER, Confidence.INDICATIVE);
    assertEquals(
        "RESULT name=tls.latency.64B.p99.9 unit=us toolkit=12.35 netty=0.500 ratio=24.690 better=lower"
            + " confidence=indicative",
        line);
    assertTrue(FORMAT.matcher(line).matches(), line);
  }

  @Test
  void aMissingValueIsNaNAndSoIsItsRatio() {
    String line = ResultLine.format(
        "idle.rss.per-conn", "KiB", Double.NaN, 8.1, ResultLine.Better.LOWER, Confidence.INDICATIVE);
    assertEquals(
        "RESULT name=idle.rss.per-conn unit=KiB toolkit=NaN netty=8.10 ratio=NaN better=lower confidence=indicative",
        line);
    assertEquals("NaN", ResultLine.ratio(5, 0));
    assertTrue(FORMAT.matcher(line).matches(), line);
  }

  @Test
  void numbersNeverUseExponentsOrGrouping() {
    assertEquals("123456789", ResultLine.number(123_456_789.0));
    assertEquals("1234.6", ResultLine.number(1234.56));
    assertEquals("0.001", ResultLine.number(0.0012));
  }

  @Test
  void namesAndUnitsMustBeSingleTokens() {
    assertThrows(IllegalArgumentException.class,
        () -> ResultLine.format("two words", "us", 1, 1, ResultLine.Better.LOWER, Confidence.HIGH));
    assertThrows(IllegalArgumentException.class,
        () -> ResultLine.format("row", "a=b", 1, 1, ResultLine.Better.LOWER, Confidence.HIGH));
  }

  @Test
  void aRowReportsTheMedianOfItsRoundsAgainstNettyNio() {
    Row row = new Row("plain.throughput.1KiB.16conn", "msg/s", ResultLine.Better.HIGHER);
    row.add(Stack.TOOLKIT, 900);
    row.add(Stack.TOOLKIT, 1000);
    row.add(Stack.TOOLKIT, 5000);
    row.add(Stack.NETTY_NIO, 800);
    row.add(Stack.NETTY_EPOLL, 10_000);
    Report report = new Report();
    report.rows().add(row);
    String line = row.resultLine(report.confidence(row));
    assertEquals(
        "RESULT name=plain.throughput.1KiB.16conn unit=msg/s toolkit=1000.0 netty=800.0 ratio=1.250 better=higher"
            + " confidence=indicative",
        line);
    assertTrue(FORMAT.matcher(line).matches(), line);
  }

  @Test
  void roundsRotate() {
    assertEquals(java.util.List.of(2, 3, 1), LoopbackBenchmark.rotate(java.util.List.of(1, 2, 3), 1));
  }
}
