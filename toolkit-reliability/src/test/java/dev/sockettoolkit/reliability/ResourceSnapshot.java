package dev.sockettoolkit.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a test process holds at one moment: live threads, open file descriptors ({@code
 * /proc/self/fd}, Linux) and heap in use after garbage collection. Taken before and after a load
 * to show that nothing leaked.
 */
public record ResourceSnapshot(int threads, long fileDescriptors, long heapBytes) {

  /** Collects garbage (several rounds, so finalisation and cleaners run), then measures. */
  public static ResourceSnapshot take() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      sleep(100);
    }
    return new ResourceSnapshot(
        ManagementFactory.getThreadMXBean().getThreadCount(),
        countFileDescriptors(),
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  /** Open descriptors of this process, or -1 where /proc is missing. */
  public static long countFileDescriptors() {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    try (Stream<Path> list = Files.list(fds)) {
      return list.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Takes snapshots until threads and descriptors are back within the given margins of {@code
   * baseline} or {@code timeoutMillis} pass (threads of closed connections take a moment to end),
   * and returns the last one.
   */
  public static ResourceSnapshot settle(
      ResourceSnapshot baseline, int threadMargin, long fdMargin, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    ResourceSnapshot now = take();
    while (System.currentTimeMillis() < deadline
        && (now.threads > baseline.threads + threadMargin
            || now.fileDescriptors > baseline.fileDescriptors + fdMargin)) {
      sleep(250);
      now = take();
    }
    return now;
  }

  /**
   * The live heap by class, largest first ({@code jcmd GC.class_histogram}), to tell a leak from a
   * bounded cache when the heap grew; "unavailable" where the JVM lacks the diagnostic command.
   */
  public static String heapHistogram() {
    try {
      Object histogram =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      return String.valueOf(histogram);
    } catch (javax.management.JMException | RuntimeException e) {
      return "unavailable: " + e;
    }
  }

  /** "threads 41 -> 43, fds 130 -> 131, heap 22.1 -> 23.0 MiB". */
  public String compareTo(ResourceSnapshot after) {
    return String.format(
        Locale.ROOT,
        "threads %d -> %d, fds %d -> %d, heap after GC %.1f -> %.1f MiB",
        threads, after.threads, fileDescriptors, after.fileDescriptors,
        heapBytes / 1048576.0, after.heapBytes / 1048576.0);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
