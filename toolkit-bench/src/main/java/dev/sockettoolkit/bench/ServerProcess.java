package dev.sockettoolkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server JVM ({@link EchoServerMain}) started by the benchmark, so that client and server do
 * not share a heap, a garbage collector or a JIT, and so its resident memory can be read on its
 * own.
 */
final class ServerProcess implements AutoCloseable {
  /** Heap of the server JVMs; fixed so every stack runs with the same. */
  static final String HEAP = "-Xmx1g";

  private final Process process;
  private final BufferedReader replies;
  private final Writer commands;
  private final int port;
  final Stack stack;

  private ServerProcess(Process process, Stack stack) throws IOException {
    this.process = process;
    this.stack = stack;
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String first = readLine(30);
    if (first == null || !first.startsWith("LISTENING ")) {
      process.destroyForcibly();
      throw new IOException(stack.label() + " server JVM did not start: " + first);
    }
    this.port = Integer.parseInt(first.substring("LISTENING ".length()).trim());
  }

  /**
   * Starts the server JVM for {@code stack}, with the launcher and options of {@code settings}
   * and TLS from {@code tlsFile} (null: plain).
   */
  static ServerProcess start(Settings settings, Stack stack, Path tlsFile) throws IOException {
    return start(settings, stack, tlsFile, List.of());
  }

  /** As {@link #start(Settings, Stack, Path)}, with {@code extraJvmArgs} for the server JVM. */
  static ServerProcess start(Settings settings, Stack stack, Path tlsFile, List<String> extraJvmArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(settings.serverJava != null ? settings.serverJava : currentJava());
    command.add(HEAP);
    command.addAll(settings.serverJvmArgs);
    command.addAll(extraJvmArgs);
    command.add("-Dio.netty.leakDetection.level=disabled");
    command.add("-Dbench.netty.tls=" + NettyEcho.TLS_PROTOCOL);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EchoServerMain.class.getName());
    command.add(stack.label());
    if (tlsFile != null) {
      command.add(tlsFile.toString());
    }
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ServerProcess(process, stack);
  }

  static String currentJava() {
    return ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** What {@code MEM} answered: heap after GC and resident memory, in bytes. */
  static final class Memory {
    final long heap;
    final long rss;
    final int threads;
    final int connections;

    Memory(long heap, long rss, int threads, int connections) {
      this.heap = heap;
      this.rss = rss;
      this.threads = threads;
      this.connections = connections;
    }
  }

  Memory memory() throws IOException {
    String reply = ask("MEM", 60);
    long heap = 0;
    long rss = 0;
    int threads = 0;
    int connections = 0;
    for (String part : reply.split(" ")) {
      String[] kv = part.split("=");
      if (kv.length != 2) {
        continue;
      }
      switch (kv[0]) {
        case "heap":
          heap = Long.parseLong(kv[1]);
          break;
        case "rss":
          rss = Long.parseLong(kv[1]);
          break;
        case "threads":
          threads = Integer.parseInt(kv[1]);
          break;
        case "connections":
          connections = Integer.parseInt(kv[1]);
          break;
        default:
          break;
      }
    }
    return new Memory(heap, rss, threads, connections);
  }

  int connections() throws IOException {
    return Integer.parseInt(ask("CONNECTIONS", 10).substring("CONNECTIONS ".length()).trim());
  }

  long cpuNanos() throws IOException {
    return Long.parseLong(ask("CPU", 10).substring("CPU ".length()).trim());
  }

  private String ask(String command, int timeoutSeconds) throws IOException {
    commands.write(command + "\n");
    commands.flush();
    String reply = readLine(timeoutSeconds);
    if (reply == null || !reply.startsWith(command)) {
      throw new IOException(stack.label() + " server JVM answered '" + reply + "' to " + command);
    }
    return reply;
  }

  private String readLine(int timeoutSeconds) throws IOException {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return replies.readLine();
      } catch (IOException e) {
        return null;
      }
    });
    try {
      return line.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(stack.label() + " server JVM did not answer within " + timeoutSeconds + " s", e);
    }
  }

  @Override
  public void close() {
    try {
      commands.write("QUIT\n");
      commands.flush();
    } catch (IOException ignored) {
      // The JVM is gone already; waiting below confirms it.
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
