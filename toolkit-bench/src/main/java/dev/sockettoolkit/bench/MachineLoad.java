package dev.sockettoolkit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How busy the machine is before the benchmark starts: the 1-minute load average against the number
 * of CPUs, and the CPU that other processes used over a short sample ({@code /proc/[pid]/stat}
 * against {@code /proc/stat}). A busy machine skews the ratios, often far (a thread per connection
 * gets more of a contended CPU than a fixed event loop), so the run says so and marks every row
 * indicative; it still runs.
 *
 * <pre>
 * MachineLoad load = MachineLoad.sample(Path.of("/proc"), 500, ProcessHandle.current().pid());
 * String why = load.notQuiet(); // null, or "load 6.36 on 2 CPUs; busy: java (pid 1234) 95%, ..."
 * </pre>
 *
 * @param load1 the 1-minute load average, NaN if unknown
 * @param cpus the CPUs the load is compared with
 * @param othersCores CPU used by every other process over the sample, in cores (1.0 is one CPU
 *     busy throughout), NaN if unknown
 * @param busy the busiest other processes, busiest first, at most {@link #SHOWN}
 */
record MachineLoad(double load1, int cpus, double othersCores, List<Busy> busy) {
  /** A load average above this many per CPU is not quiet: something else ran for much of a minute. */
  static final double MAX_LOAD_PER_CPU = 0.5;
  /** Other processes using more than this many cores together during the sample: not quiet. */
  static final double MAX_OTHERS_CORES = 0.25;
  /** A process is named as busy from this share of one CPU, in percent. */
  static final double BUSY_PERCENT = 5;
  /** How many busy processes are named, at most. */
  static final int SHOWN = 5;

  /** One other process and the share of one CPU it used during the sample, in percent. */
  record Busy(long pid, String name, double percent) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s (pid %d) %.0f%%", name, pid, percent);
    }
  }

  /** A process's CPU time so far, from its {@code /proc/[pid]/stat}: user + system, in clock ticks. */
  record Ticks(long pid, String name, long ticks) {}

  MachineLoad {
    busy = List.copyOf(busy);
  }

  /**
   * Reads the load average, then the CPU time of every process twice, {@code sampleMillis} apart.
   * Where {@code proc} has no such files (not Linux) the load comes from the JVM, if it knows it,
   * and no process is named.
   *
   * @param self the process to leave out: this JVM
   */
  static MachineLoad sample(Path proc, long sampleMillis, long self) throws InterruptedException {
    int cpus = Runtime.getRuntime().availableProcessors();
    double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (load1 < 0) {
      load1 = Double.NaN;
    }
    try {
      load1 = loadAverage(Files.readString(proc.resolve("loadavg")));
      String stat0 = Files.readString(proc.resolve("stat"));
      Map<Long, Ticks> before = processes(proc);
      Thread.sleep(sampleMillis);
      String stat1 = Files.readString(proc.resolve("stat"));
      Map<Long, Ticks> after = processes(proc);
      cpus = cpuCount(stat1, cpus);
      return measure(load1, cpus, before, after, totalTicks(stat1) - totalTicks(stat0), self);
    } catch (IOException | RuntimeException e) {
      return new MachineLoad(load1, cpus, Double.NaN, List.of());
    }
  }

  /**
   * The load of a sample: each other process's ticks between {@code before} and {@code after}
   * (a process new in {@code after} from zero) against {@code totalTicks}, every CPU's ticks over
   * the same interval from {@code /proc/stat}. Needs no clock-tick rate: both are in ticks.
   */
  static MachineLoad measure(
      double load1, int cpus, Map<Long, Ticks> before, Map<Long, Ticks> after, long totalTicks, long self) {
    if (totalTicks <= 0) {
      return new MachineLoad(load1, cpus, Double.NaN, List.of());
    }
    double ticksPerCpu = totalTicks / (double) cpus;
    double others = 0;
    List<Busy> busy = new ArrayList<>();
    for (Ticks now : after.values()) {
      if (now.pid() == self) {
        continue;
      }
      Ticks then = before.get(now.pid());
      long used = now.ticks() - (then == null ? 0 : then.ticks());
      if (used <= 0) {
        continue;
      }
      double share = used / ticksPerCpu;
      others += share;
      if (share * 100 >= BUSY_PERCENT) {
        busy.add(new Busy(now.pid(), now.name(), share * 100));
      }
    }
    busy.sort(Comparator.comparingDouble(Busy::percent).reversed().thenComparingLong(Busy::pid));
    return new MachineLoad(load1, cpus, others, busy.subList(0, Math.min(SHOWN, busy.size())));
  }

  /** The 1-minute load average, the first field of {@code /proc/loadavg}. */
  static double loadAverage(String loadavg) {
    String[] fields = loadavg.trim().split("\\s+");
    return Double.parseDouble(fields[0]);
  }

  /**
   * The name and user + system CPU time of one {@code /proc/[pid]/stat} line, or null when it does
   * not parse. The name (field 2) is in parentheses and may itself hold spaces and parentheses, so
   * the fields are counted from the last ')'; utime and stime are fields 14 and 15.
   */
  static Ticks parseStat(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open <= 0 || close < open) {
      return null;
    }
    String[] rest = stat.substring(close + 1).trim().split("\\s+");
    if (rest.length < 13) {
      return null;
    }
    try {
      long pid = Long.parseLong(stat.substring(0, open).trim());
      return new Ticks(pid, stat.substring(open + 1, close), Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Every CPU's ticks so far, from the {@code cpu} line of {@code /proc/stat}: user, nice, system,
   * idle, iowait, irq, softirq, steal (guest time is already in user and nice).
   */
  static long totalTicks(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] fields = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < fields.length; i++) {
          total += Long.parseLong(fields[i]);
        }
        return total;
      }
    }
    throw new IllegalArgumentException("no 'cpu' line in /proc/stat");
  }

  /** The number of {@code cpuN} lines of {@code /proc/stat}, or {@code fallback} if there are none. */
  static int cpuCount(String procStat, int fallback) {
    int n = 0;
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
        n++;
      }
    }
    return n > 0 ? n : fallback;
  }

  /**
   * Why the machine is not quiet: {@code "load 6.36 on 2 CPUs; busy: java (pid 1234) 95%, ..."}, or
   * null when the load average is at most {@link #MAX_LOAD_PER_CPU} per CPU and other processes
   * used at most {@link #MAX_OTHERS_CORES} cores together. What is unknown does not count.
   */
  String notQuiet() {
    boolean loaded = load1 > MAX_LOAD_PER_CPU * cpus;
    boolean othersBusy = othersCores > MAX_OTHERS_CORES;
    if (!loaded && !othersBusy) {
      return null;
    }
    return describe();
  }

  /** The load in one line, quiet or not: {@code "load 0.40 on 2 CPUs; busy: none"}. */
  String describe() {
    StringBuilder s = new StringBuilder();
    s.append(Double.isNaN(load1) ? "load unknown" : String.format(Locale.ROOT, "load %.2f", load1))
        .append(" on ").append(cpus).append(cpus == 1 ? " CPU" : " CPUs");
    if (Double.isNaN(othersCores)) {
      s.append("; other processes not checked");
      return s.toString();
    }
    s.append("; busy: ");
    if (busy.isEmpty()) {
      s.append("none");
    } else {
      List<String> named = new ArrayList<>();
      busy.forEach(b -> named.add(b.toString()));
      s.append(String.join(", ", named));
    }
    s.append(String.format(Locale.ROOT, " (other processes %.2f cores)", othersCores));
    return s.toString();
  }

  /** Every process's CPU time now, by pid; processes that end or do not parse meanwhile are left out. */
  private static Map<Long, Ticks> processes(Path proc) throws IOException {
    Map<Long, Ticks> all = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path dir : dirs) {
        try {
          Ticks ticks = parseStat(Files.readString(dir.resolve("stat")));
          if (ticks != null) {
            all.put(ticks.pid(), ticks);
          }
        } catch (IOException e) {
          // The process ended between the listing and the read.
        }
      }
    }
    return all;
  }
}
