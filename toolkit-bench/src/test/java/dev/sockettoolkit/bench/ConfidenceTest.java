package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidenceTest {
  @Test
  void roundsThatAgreeWithinTenPercentLeaveNoDoubt() {
    // (1050 - 960) / 1000 = 9%
    assertNull(Confidence.doubt(List.of(1000.0, 960.0, 1050.0), false));
    assertEquals(0.09, Confidence.spread(List.of(1000.0, 960.0, 1050.0)), 1e-9);
    assertEquals(Confidence.HIGH, Confidence.of(List.of()));
  }

  @Test
  void roundsThatSpreadMoreThanTenPercentAreIndicative() {
    // (1110 - 1000) / 1050 = 10.5%
    String doubt = Confidence.doubt(List.of(1000.0, 1050.0, 1110.0), false);
    assertEquals("rounds spread 11%", doubt);
    assertEquals(Confidence.INDICATIVE, Confidence.of(List.of(doubt)));
    assertEquals("rounds spread 410%", Confidence.doubt(List.of(900.0, 1000.0, 5000.0), false));
  }

  @Test
  void exactlyTheThresholdStillAgrees() {
    assertNull(Confidence.doubt(List.of(95.0, 100.0, 105.0), false));
  }

  @Test
  void aSingleRoundHasNoSpreadToJudgeUnlessTheRowIsMeasuredOnce() {
    assertEquals("one round", Confidence.doubt(List.of(1000.0), false));
    assertNull(Confidence.doubt(List.of(1000.0), true));
    assertEquals("not measured", Confidence.doubt(List.of(), true));
  }

  @Test
  void theSameDoubtOnBothStacksIsSaidOnceAndDifferentOnesNameTheirStack() {
    assertEquals(List.of("one round"), Confidence.doubts("toolkit", "one round", "netty-nio", "one round"));
    assertEquals(List.of("toolkit rounds spread 23%", "netty-nio one round"),
        Confidence.doubts("toolkit", "rounds spread 23%", "netty-nio", "one round"));
    assertEquals(List.of("netty-nio not measured"), Confidence.doubts("toolkit", null, "netty-nio", "not measured"));
    assertEquals(List.of(), Confidence.doubts("toolkit", null, "netty-nio", null));
  }

  @Test
  void spreadAroundZeroIsInfiniteAndAgreementAtZeroIsNone() {
    assertEquals(0.0, Confidence.spread(List.of(0.0, 0.0)));
    assertEquals(Double.POSITIVE_INFINITY, Confidence.spread(List.of(-1.0, 0.0, 1.0)));
    assertTrue(Double.isNaN(Confidence.spread(List.of(3.0))));
    assertEquals(2.5, Confidence.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }

  @Test
  void eitherResultStackDecidesTheRowAndOtherColumnsDoNot() {
    Row row = new Row("tls.throughput.1KiB.1conn", "msg/s", ResultLine.Better.HIGHER);
    for (double v : new double[] {1000, 1010, 990}) {
      row.add(Stack.TOOLKIT, v);
    }
    for (double v : new double[] {800, 700, 900}) {
      row.add(Stack.NETTY_NIO, v);
    }
    for (double v : new double[] {1, 100, 10_000}) {
      row.add(Stack.SOCKET, v); // a context column: its spread is marked in the table only
    }
    assertEquals(List.of("netty-nio rounds spread 25%"), row.doubts());
    assertEquals(Confidence.INDICATIVE, new Report().confidence(row));
  }

  @Test
  void aQuietFullRunWithAgreeingRoundsIsHigh() {
    Report report = new Report();
    Row row = report.row("plain.latency.64B.p99", "us", ResultLine.Better.LOWER);
    for (double v : new double[] {82, 84, 83}) {
      row.add(Stack.TOOLKIT, v);
      row.add(Stack.NETTY_NIO, v + 6);
    }
    assertEquals(Confidence.HIGH, report.confidence(row));
    assertTrue(row.resultLine(report.confidence(row)).endsWith(" better=lower confidence=high"));
  }

  @Test
  void aDoubtOfTheRunMakesEveryRowIndicative() {
    Report report = new Report();
    Row row = report.row("plain.latency.64B.p99", "us", ResultLine.Better.LOWER);
    row.add(Stack.TOOLKIT, 82);
    row.add(Stack.TOOLKIT, 82);
    row.add(Stack.NETTY_NIO, 88);
    row.add(Stack.NETTY_NIO, 88);
    report.doubt("machine not quiet: load 6.40 on 2 CPUs");
    assertEquals(Confidence.INDICATIVE, report.confidence(row));
    assertEquals(List.of(), row.doubts());
  }

  @Test
  void shortRoundsAndFewIdleConnectionsAreDoubts() {
    assertNull(Settings.shortRounds(Settings.FULL_WARMUP_MILLIS, Settings.FULL_MEASURE_MILLIS));
    Settings quick = Settings.parse("--quick");
    assertEquals("short rounds 200+400 ms",
        Settings.shortRounds(quick.warmupMillis, quick.measureMillis));
    Row idle = new Row("idle.heap.per-conn", "KiB", ResultLine.Better.LOWER).measuredOnce();
    idle.add(Stack.TOOLKIT, 1.7);
    idle.add(Stack.NETTY_NIO, 2.0);
    assertEquals(List.of(), idle.doubts());
    idle.doubt("only 1000 connections");
    assertEquals(List.of("only 1000 connections"), idle.doubts());
    Row oneShortRound = new Row("plain.latency.64B.p50", "us", ResultLine.Better.LOWER);
    oneShortRound.add(Stack.TOOLKIT, 14.5);
    oneShortRound.add(Stack.NETTY_NIO, 22.9);
    oneShortRound.doubt("short rounds 250+500 ms");
    assertEquals(List.of("one round", "short rounds 250+500 ms"), oneShortRound.doubts());
  }

  @Test
  void theTableMarksIndicativeRowsWithTheirReasons() {
    Report report = new Report();
    Row spread = report.row("plain.throughput.64B.1conn", "msg/s", ResultLine.Better.HIGHER);
    Row agreed = report.row("plain.throughput.64B.16conn", "msg/s", ResultLine.Better.HIGHER);
    for (double v : new double[] {100, 130, 100}) {
      spread.add(Stack.TOOLKIT, v);
      spread.add(Stack.NETTY_NIO, 100);
      agreed.add(Stack.TOOLKIT, 100);
      agreed.add(Stack.NETTY_NIO, 100);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(Stack.TOOLKIT, Stack.NETTY_NIO));
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("100.0~"), table);
    assertTrue(table.contains("higher indicative (toolkit rounds spread 30%)"), table);
    assertTrue(table.contains("higher high"), table);
  }
}
