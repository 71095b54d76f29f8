package dev.sockettoolkit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the rows as a human-readable table and then as {@code RESULT} lines, each with its
 * {@link Confidence}: the row's own doubts (its rounds) together with the run's (a busy machine,
 * short measurements), which make every row indicative.
 */
final class Report {
  private final List<Row> rows = new ArrayList<>();
  private final List<String> runDoubts = new ArrayList<>();

  Row row(String name, String unit, ResultLine.Better better) {
    return add(new Row(name, unit, better));
  }

  /** A row whose {@code RESULT} line compares {@code toolkit} with {@code reference}. */
  Row row(String name, String unit, ResultLine.Better better, Stack toolkit, Stack reference) {
    return add(new Row(name, unit, better, toolkit, reference));
  }

  private Row add(Row row) {
    rows.add(row);
    return row;
  }

  List<Row> rows() {
    return rows;
  }

  /** Records a reason that makes every row only indicative, e.g. that the machine was not quiet. */
  void doubt(String why) {
    runDoubts.add(why);
  }

  List<String> runDoubts() {
    return runDoubts;
  }

  /** The row's confidence in this run: indicative when the run or the row leaves any doubt. */
  Confidence confidence(Row row) {
    return runDoubts.isEmpty() ? Confidence.of(row.doubts()) : Confidence.INDICATIVE;
  }

  void printTable(PrintStream out, List<Stack> columns) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-32s %-6s", "row", "unit"));
    for (Stack stack : columns) {
      header.append(String.format(Locale.ROOT, " %13s", stack.label()));
    }
    header.append(String.format(Locale.ROOT, " %9s %-6s %s", "tk/netty", "better", "confidence"));
    out.println(header);
    out.println("-".repeat(header.length() + 2));
    for (Row row : rows) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s %-6s", row.name, row.unit));
      for (Stack stack : columns) {
        String cell = row.has(stack) ? ResultLine.number(row.value(stack)) : "-";
        if (row.spread(stack) > Confidence.MAX_SPREAD) {
          cell = cell + "~";
        }
        line.append(String.format(Locale.ROOT, " %13s", cell));
      }
      List<String> doubts = row.doubts();
      line.append(String.format(Locale.ROOT, " %9s %-6s %s%s",
          ResultLine.ratio(row.value(Stack.TOOLKIT), row.value(Stack.NETTY_NIO)), row.better.word(),
          confidence(row).word(), doubts.isEmpty() ? "" : " (" + String.join(", ", doubts) + ")"));
      out.println(line);
    }
    out.printf(Locale.ROOT, "(values are medians of the rounds; '~' marks rounds that spread by more than %.0f%%;"
        + " '-' means not measured; an indicative row is a hint, not a measurement)%n", Confidence.MAX_SPREAD * 100);
    if (!runDoubts.isEmpty()) {
      out.println("every row is indicative: " + String.join("; ", runDoubts));
    }
    for (Row row : rows) {
      for (Stack stack : columns) {
        String note = row.note(stack);
        if (note != null) {
          out.println("  note: " + row.name + " / " + stack.label() + ": " + note);
        }
      }
    }
  }

  void printResults(PrintStream out) {
    for (Row row : rows) {
      out.println(row.resultLine(confidence(row)));
    }
  }
}
