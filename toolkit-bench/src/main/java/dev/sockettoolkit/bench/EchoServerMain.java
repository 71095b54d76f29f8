package dev.sockettoolkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server JVM: runs one stack's echo server and answers the benchmark process on standard
 * input and output, one command a line:
 *
 * <ul>
 *   <li>{@code MEM}: collects garbage, then answers {@code MEM heap=<bytes> rss=<bytes>
 *       threads=<n> connections=<n>}
 *   <li>{@code CONNECTIONS}: answers {@code CONNECTIONS <n>}
 *   <li>{@code CPU}: answers {@code CPU <process CPU time in ns>}
 *   <li>{@code QUIT}, or the end of standard input: closes the server and exits
 * </ul>
 *
 * <p>The first line it prints is {@code LISTENING <port>}, or {@code FAILED <reason>}.
 */
public final class EchoServerMain {
  private EchoServerMain() {}

  /** Arguments: the stack's label, then optionally the PKCS#12 file for TLS. */
  public static void main(String[] args) throws Exception {
    // The toolkit logs each reset connection at INFO; the idle rows reset thousands on purpose.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Stack stack = Stack.fromLabel(args[0]);
    TlsMaterial tls = args.length > 1 ? TlsMaterial.load(Path.of(args[1])) : null;
    EchoServer server;
    try {
      server = Stacks.server(stack, tls);
    } catch (Exception | LinkageError e) {
      System.out.println("FAILED " + e.toString().replace('\n', ' '));
      System.out.flush();
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.out.println("LISTENING " + server.port());
    System.out.flush();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = commands.readLine()) != null && !command.equals("QUIT")) {
      switch (command) {
        case "MEM":
          System.out.println(memory(server));
          break;
        case "CONNECTIONS":
          System.out.println("CONNECTIONS " + server.connections());
          break;
        case "CPU":
          System.out.println("CPU " + cpuNanos());
          break;
        default:
          System.out.println("UNKNOWN " + command);
      }
      System.out.flush();
    }
    server.close();
    System.exit(0);
  }

  private static String memory(EchoServer server) throws InterruptedException, IOException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return "MEM heap=" + heap
        + " rss=" + residentBytes()
        + " threads=" + Thread.activeCount()
        + " connections=" + server.connections();
  }

  /** VmRSS from /proc/self/status, in bytes; -1 where there is no /proc. */
  static long residentBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    List<String> lines = Files.readAllLines(status, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
      }
    }
    return -1;
  }

  /** CPU time of this whole process so far, in nanoseconds; -1 if the JVM cannot tell. */
  static long cpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }
}
