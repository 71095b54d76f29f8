package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineLoadTest {
  private static final String PROC_STAT_BEFORE = String.join("\n",
      "cpu  10000 50 3000 80000 200 0 100 0 0 0",
      "cpu0 5000 25 1500 40000 100 0 50 0 0 0",
      "cpu1 5000 25 1500 40000 100 0 50 0 0 0",
      "intr 123456 0 0",
      "ctxt 987654",
      "");
  /** 100 ticks later on each of the 2 CPUs: 200 ticks in all (guest fields ignored). */
  private static final String PROC_STAT_AFTER = String.join("\n",
      "cpu  10120 50 3030 80050 200 0 100 0 77 77",
      "cpu0 5060 25 1515 40025 100 0 50 0 0 0",
      "cpu1 5060 25 1515 40025 100 0 50 0 0 0",
      "intr 123999 0 0",
      "");

  private static String stat(long pid, String name, long utime, long stime) {
    return pid + " (" + name + ") S 1 " + pid + " " + pid + " 0 -1 4194560 1234 0 5 0 "
        + utime + " " + stime + " 0 0 20 0 31 0 12345 4000000000 50000 18446744073709551615 1 1 0 0 0 0 0 0 0";
  }

  @Test
  void loadAverageIsTheFirstField() {
    assertEquals(6.36, MachineLoad.loadAverage("6.36 7.41 6.26 7/167 19747\n"));
    assertEquals(0.0, MachineLoad.loadAverage("0.00 0.01 0.05 1/80 42"));
  }

  @Test
  void statLinesGiveUserPlusSystemTicks() {
    assertEquals(new MachineLoad.Ticks(1234, "java", 1500 + 300), MachineLoad.parseStat(stat(1234, "java", 1500, 300)));
  }

  @Test
  void aNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    MachineLoad.Ticks ticks = MachineLoad.parseStat(stat(77, "Web Content (x) y", 40, 2));
    assertEquals(new MachineLoad.Ticks(77, "Web Content (x) y", 42), ticks);
  }

  @Test
  void aStatLineThatDoesNotParseIsLeftOut() {
    assertNull(MachineLoad.parseStat(""));
    assertNull(MachineLoad.parseStat("12 (short) S 1 2 3"));
    assertNull(MachineLoad.parseStat("x (java) S 1 1 1 0 -1 0 0 0 0 0 10 20"));
  }

  @Test
  void procStatGivesTheTotalTicksAndTheCpuCount() {
    assertEquals(10000 + 50 + 3000 + 80000 + 200 + 100, MachineLoad.totalTicks(PROC_STAT_BEFORE));
    assertEquals(200, MachineLoad.totalTicks(PROC_STAT_AFTER) - MachineLoad.totalTicks(PROC_STAT_BEFORE));
    assertEquals(2, MachineLoad.cpuCount(PROC_STAT_AFTER, 8));
    assertEquals(8, MachineLoad.cpuCount("intr 1\n", 8));
  }

  @Test
  void busyProcessesAreTheirShareOfOneCpuBusiestFirstWithoutThisJvm() {
    Map<Long, MachineLoad.Ticks> before = Map.of(
        1234L, new MachineLoad.Ticks(1234, "java", 1000),
        99L, new MachineLoad.Ticks(99, "cc1", 10),
        5L, new MachineLoad.Ticks(5, "sshd", 7),
        4242L, new MachineLoad.Ticks(4242, "java", 500));
    Map<Long, MachineLoad.Ticks> after = Map.of(
        1234L, new MachineLoad.Ticks(1234, "java", 1095), // 95 of 100 ticks of one CPU
        99L, new MachineLoad.Ticks(99, "cc1", 50), // 40
        5L, new MachineLoad.Ticks(5, "sshd", 8), // 1: counted, not named
        4242L, new MachineLoad.Ticks(4242, "java", 690), // this JVM: left out
        777L, new MachineLoad.Ticks(777, "javac", 20)); // started during the sample: 20
    MachineLoad load = MachineLoad.measure(6.36, 2, before, after, 200, 4242);
    assertEquals(1.56, load.othersCores(), 1e-9);
    assertEquals(List.of(
        new MachineLoad.Busy(1234, "java", 95.0),
        new MachineLoad.Busy(99, "cc1", 40.0),
        new MachineLoad.Busy(777, "javac", 20.0)), load.busy());
    assertEquals("load 6.36 on 2 CPUs; busy: java (pid 1234) 95%, cc1 (pid 99) 40%, javac (pid 777) 20%"
        + " (other processes 1.56 cores)", load.notQuiet());
  }

  @Test
  void aQuietMachineHasNoVerdictButStillDescribesItself() {
    MachineLoad quiet = new MachineLoad(0.4, 2, 0.03, List.of());
    assertNull(quiet.notQuiet());
    assertEquals("load 0.40 on 2 CPUs; busy: none (other processes 0.03 cores)", quiet.describe());
  }

  @Test
  void eitherAHighLoadAverageOrBusyProcessesIsNotQuiet() {
    // The load average lags: a build that just ended still shows, and is worth saying.
    assertTrue(new MachineLoad(1.4, 2, 0.0, List.of()).notQuiet().startsWith("load 1.40 on 2 CPUs"));
    assertNull(new MachineLoad(1.0, 2, 0.0, List.of()).notQuiet());
    // A process busy right now, before the load average has caught up.
    MachineLoad busy = new MachineLoad(0.2, 2, 0.9, List.of(new MachineLoad.Busy(1, "stress", 90)));
    assertEquals("load 0.20 on 2 CPUs; busy: stress (pid 1) 90% (other processes 0.90 cores)", busy.notQuiet());
    assertNull(new MachineLoad(0.2, 2, 0.25, List.of()).notQuiet());
  }

  @Test
  void whatIsUnknownDoesNotCount() {
    MachineLoad unknown = new MachineLoad(Double.NaN, 4, Double.NaN, List.of());
    assertNull(unknown.notQuiet());
    assertEquals("load unknown on 4 CPUs; other processes not checked", unknown.describe());
  }

  @Test
  void samplesAProcDirectory(@TempDir Path proc) throws Exception {
    Files.writeString(proc.resolve("loadavg"), "3.20 2.00 1.00 3/120 999\n");
    Files.writeString(proc.resolve("stat"), PROC_STAT_BEFORE);
    write(proc, 1234, stat(1234, "java", 1000, 0));
    write(proc, 42, "not a stat line");
    Files.createDirectories(proc.resolve("sys")); // not a process
    MachineLoad load = MachineLoad.sample(proc, 1, 1);
    assertEquals(3.2, load.load1());
    assertEquals(2, load.cpus());
    // /proc/stat did not move between the two reads here: no interval to judge processes by.
    assertTrue(Double.isNaN(load.othersCores()));
    assertEquals("load 3.20 on 2 CPUs; other processes not checked", load.notQuiet());
  }

  @Test
  void withoutProcTheRunStillGoesOn(@TempDir Path empty) throws Exception {
    MachineLoad load = MachineLoad.sample(empty.resolve("no-proc"), 1, 1);
    assertTrue(Double.isNaN(load.othersCores()));
    assertTrue(load.describe().contains("other processes not checked"), load.describe());
  }

  private static void write(Path proc, long pid, String stat) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("stat"), stat);
  }
}
