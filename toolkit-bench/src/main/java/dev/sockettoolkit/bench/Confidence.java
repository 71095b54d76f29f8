package dev.sockettoolkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How far a row's figures can be taken at face value: {@link #HIGH}, or {@link #INDICATIVE} when
 * anything casts doubt on them. A row is indicative when
 *
 * <ul>
 *   <li>the rounds of either stack of its {@code RESULT} line spread by more than {@link
 *       #MAX_SPREAD} ({@code (max - min) / median}),
 *   <li>either of those stacks has a single round (no spread to judge) or none, unless the row is
 *       measured once by design (the idle rows),
 *   <li>its measurements were shorter than the full run's ({@code --quick}, {@code --measure-ms}),
 *       or
 *   <li>the machine was not quiet when the run started ({@link MachineLoad}).
 * </ul>
 *
 * <pre>
 * List&lt;String&gt; doubts = Confidence.doubts("toolkit", List.of(1.0e6, 1.3e6, 1.1e6), false);
 * // ["toolkit rounds spread 27%"]
 * Confidence.of(doubts); // INDICATIVE
 * </pre>
 */
enum Confidence {
  /** Every round agreed within {@link #MAX_SPREAD}, at full length, on a quiet machine. */
  HIGH,
  /** A figure to read with care: see the reasons printed with the table. */
  INDICATIVE;

  /**
   * Largest relative spread of one stack's rounds, {@code (max - min) / median}, that still counts
   * as agreement. Full runs on a quiet machine move about ±10% between runs (docs/PERFORMANCE.md).
   */
  static final double MAX_SPREAD = 0.10;

  /** The word of the {@code confidence=} field: {@code high} or {@code indicative}. */
  String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@link #HIGH} when there is no doubt, {@link #INDICATIVE} otherwise. */
  static Confidence of(List<String> doubts) {
    return doubts.isEmpty() ? HIGH : INDICATIVE;
  }

  /**
   * What the rounds of one stack leave in doubt: nothing (an empty list), no value at all, a single
   * round, or rounds that spread by more than {@link #MAX_SPREAD}.
   *
   * @param stack the stack's label, which starts every doubt
   * @param rounds the stack's value in each round it completed
   * @param measuredOnce true for a row measured once by design (the idle rows): one value is then
   *     no doubt
   */
  static List<String> doubts(String stack, List<Double> rounds, boolean measuredOnce) {
    List<String> doubts = new ArrayList<>();
    if (rounds.isEmpty()) {
      doubts.add(stack + " not measured");
    } else if (rounds.size() == 1) {
      if (!measuredOnce) {
        doubts.add(stack + " one round");
      }
    } else {
      double spread = spread(rounds);
      if (!(spread <= MAX_SPREAD)) {
        // Rounded up: a spread just over the threshold never reads as the threshold itself.
        doubts.add(String.format(Locale.ROOT, "%s rounds spread %.0f%%", stack, Math.ceil(spread * 100)));
      }
    }
    return doubts;
  }

  /** The median of {@code values}, or NaN if there are none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The spread of the rounds as {@code (max - min) / median}: 0 when they agree exactly, NaN with
   * fewer than two rounds, infinite when they disagree around a median of 0.
   */
  static double spread(List<Double> rounds) {
    if (rounds.size() < 2) {
      return Double.NaN;
    }
    double min = rounds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = rounds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    if (max == min) {
      return 0;
    }
    return (max - min) / Math.abs(median(rounds));
  }
}
