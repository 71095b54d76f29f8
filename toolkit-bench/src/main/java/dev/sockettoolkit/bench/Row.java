package dev.sockettoolkit.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the report: a quantity measured on every stack, once per round. A stack's value is
 * the median of its rounds, so one disturbed round on this shared machine does not decide a row.
 */
final class Row {
  final String name;
  final String unit;
  final ResultLine.Better better;
  private final Map<Stack, List<Double>> samples = new EnumMap<>(Stack.class);
  private final Map<Stack, String> notes = new EnumMap<>(Stack.class);

  Row(String name, String unit, ResultLine.Better better) {
    this.name = name;
    this.unit = unit;
    this.better = better;
  }

  void add(Stack stack, double value) {
    samples.computeIfAbsent(stack, s -> new ArrayList<>()).add(value);
  }

  /** Records why a stack has no value (it failed or was skipped). */
  void note(Stack stack, String why) {
    notes.put(stack, why);
  }

  String note(Stack stack) {
    return notes.get(stack);
  }

  boolean has(Stack stack) {
    return samples.containsKey(stack);
  }

  /** The median of the stack's rounds, or NaN if it has none. */
  double value(Stack stack) {
    List<Double> values = samples.get(stack);
    if (values == null || values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The spread of the stack's rounds as (max - min) / median, or NaN with fewer than two rounds. */
  double spread(Stack stack) {
    List<Double> values = samples.get(stack);
    if (values == null || values.size() < 2) {
      return Double.NaN;
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return (max - min) / value(stack);
  }

  String resultLine() {
    return ResultLine.format(name, unit, value(Stack.TOOLKIT), value(Stack.NETTY_NIO), better);
  }
}
