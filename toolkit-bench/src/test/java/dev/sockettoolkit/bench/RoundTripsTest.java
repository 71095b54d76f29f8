package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RoundTripsTest {
  /** What the percentiles were before HdrHistogram: the nearest-rank sample of every sample sorted. */
  private static double exactMicros(List<Long> nanos, double quantile) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = (int) Math.ceil(quantile * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1000.0;
  }

  @Test
  void percentilesAreTheNearestRankSampleWithinATenthOfAPercent() {
    Histogram histogram = RoundTrips.histogram();
    for (long us = 1; us <= 1000; us++) {
      histogram.recordValue(us * 1000);
    }
    assertEquals(500.0, RoundTrips.micros(histogram, 0.50), 500.0 * 0.001);
    assertEquals(990.0, RoundTrips.micros(histogram, 0.99), 990.0 * 0.001);
    assertEquals(999.0, RoundTrips.micros(histogram, 0.999), 999.0 * 0.001);
    assertEquals(1000, histogram.getTotalCount());
  }

  @Test
  void agreesWithSortingEverySampleOnALongTailedDistribution() {
    Random random = new Random(42);
    Histogram histogram = RoundTrips.histogram();
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      // ~50 us typical, a long tail to tens of milliseconds, as loopback round trips have.
      long nanos = 40_000 + (long) (-Math.log(1 - random.nextDouble()) * 10_000)
          + (random.nextInt(1000) == 0 ? random.nextInt(30_000_000) : 0);
      samples.add(nanos);
      histogram.recordValue(nanos);
    }
    for (double q : new double[] {0.50, 0.99, 0.999}) {
      double exact = exactMicros(samples, q);
      double fromHistogram = RoundTrips.micros(histogram, q);
      assertEquals(exact, fromHistogram, exact * 0.001, "quantile " + q);
      assertTrue(fromHistogram >= exact, "never below the sample it stands for, quantile " + q);
    }
  }

  @Test
  void holdsAnyRoundTripUpToMinutes() {
    Histogram histogram = RoundTrips.histogram();
    histogram.recordValue(1);
    histogram.recordValue(120_000_000_000L); // two minutes: a stall, still recorded
    assertEquals(120_000_000.0, RoundTrips.micros(histogram, 1.0), 120_000_000.0 * 0.001);
    assertEquals(0.001, RoundTrips.micros(histogram, 0.5), 1e-9);
  }

  @Test
  void nothingRecordedIsNaN() {
    assertTrue(Double.isNaN(RoundTrips.micros(RoundTrips.histogram(), 0.99)));
  }
}
