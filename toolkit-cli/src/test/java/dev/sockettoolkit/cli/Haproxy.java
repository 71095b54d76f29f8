package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real HAProxy in TCP mode on 127.0.0.1, balancing round-robin over toolkit servers; closing it
 * kills the process. Tests that need it skip loudly when the {@code haproxy} command is absent
 * ({@code .ci/run} installs it, so CI never skips).
 */
final class Haproxy implements AutoCloseable {
  final Process process;
  final int port;
  private final CompletableFuture<byte[]> output;

  private Haproxy(Process process, int port) {
    this.process = process;
    this.port = port;
    this.output = Jar.drain(process.getInputStream());
  }

  /** The haproxy executable, or a skipped test with a loud message. */
  static Path requireOrSkip() {
    Optional<Path> found = List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")
        .stream().map(Paths::get).filter(Files::isExecutable).findFirst();
    if (found.isEmpty()) {
      System.err.println("**********************************************************************");
      System.err.println("SKIPPED: haproxy is not installed; the PROXY protocol interop tests did NOT run.");
      System.err.println("Install it (apt-get install haproxy) or run .ci/run, which does.");
      System.err.println("**********************************************************************");
    }
    Assumptions.assumeTrue(found.isPresent(), "haproxy is not installed");
    return found.get();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /**
   * Starts HAProxy with one frontend on a free port and {@code backends} (127.0.0.1 ports), each
   * server line ending with {@code serverOptions} (such as {@code send-proxy-v2}).
   */
  static Haproxy start(Path dir, List<Integer> backends, String serverOptions) throws Exception {
    Path binary = requireOrSkip();
    int port = freePort();
    StringBuilder config = new StringBuilder();
    config.append("global\n  maxconn 2000\n  nbthread 1\n")
        .append("defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 60s\n  timeout server 60s\n")
        .append("  retries 3\n  option redispatch 1\n")
        .append("frontend fe\n  bind 127.0.0.1:").append(port).append("\n  default_backend be\n")
        .append("backend be\n  balance roundrobin\n");
    for (int i = 0; i < backends.size(); i++) {
      config.append("  server s").append(i + 1).append(" 127.0.0.1:").append(backends.get(i))
          .append(' ').append(serverOptions).append('\n');
    }
    Path file = dir.resolve("haproxy-" + port + ".cfg");
    Files.writeString(file, config.toString(), StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(binary.toString(), "-db", "-f", file.toString())
        .redirectErrorStream(true).start();
    Haproxy haproxy = new Haproxy(process, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("haproxy exited: " + haproxy.output());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return haproxy;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    haproxy.close();
    fail("haproxy did not listen on " + port + " within 15 s");
    return haproxy;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  String output() {
    try {
      return new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    Jar.stop(process);
  }
}
