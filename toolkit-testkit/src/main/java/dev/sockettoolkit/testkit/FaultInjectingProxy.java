package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that puts {@link NetworkConditions} between a real client and a real
 * server: both directions are chunked, delayed, throttled and faulted as the conditions say. A
 * half-close is passed on; a reset on one side resets the other.
 *
 * <pre>{@code
 * try (FaultInjectingProxy proxy = FaultInjectingProxy.start(
 *     (InetSocketAddress) server.localAddress(),
 *     NetworkConditions.builder().chunking(Chunking.random(100)).fault(Fault.resetAt(1 << 20)).build())) {
 *   Connection client = Client.connect(proxy.address(), ConnectionOptions.defaults());
 *   // ... the client talks to the server through the hostile network
 * }
 * }</pre>
 */
public final class FaultInjectingProxy implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FaultInjectingProxy.class.getName());

  private final InetSocketAddress target;
  private final NetworkConditions conditions;
  private final ConnectionOptions options;
  private final AtomicLong proxied = new AtomicLong();
  private final Server server;

  private FaultInjectingProxy(
      InetSocketAddress target, NetworkConditions conditions, ConnectionOptions options) throws IOException {
    this.target = target;
    this.conditions = conditions;
    this.options = options;
    this.server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .options(options)
            .drainTimeout(Duration.ZERO)
            .handler(this::relay)
            .start();
  }

  /** Starts a proxy to {@code target} with default connection options (no idle timeout). */
  public static FaultInjectingProxy start(InetSocketAddress target, NetworkConditions conditions)
      throws IOException {
    return start(target, conditions, ConnectionOptions.defaults());
  }

  /** Starts a proxy to {@code target}; both legs use {@code options}. */
  public static FaultInjectingProxy start(
      InetSocketAddress target, NetworkConditions conditions, ConnectionOptions options)
      throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(conditions, "conditions");
    Objects.requireNonNull(options, "options");
    return new FaultInjectingProxy(target, conditions, options);
  }

  /** Where clients connect. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** How many connections the proxy has accepted. */
  public long connectionsProxied() {
    return proxied.get();
  }

  /** The conditions applied (their seed reproduces a run). */
  public NetworkConditions conditions() {
    return conditions;
  }

  /** Stops accepting and resets every proxied connection. */
  @Override
  public void close() {
    server.close();
  }

  private void relay(Connection downstream) throws Exception {
    proxied.incrementAndGet();
    Connection upstream;
    try {
      upstream = Client.connect(target, options);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.INFO, "proxy could not reach {0}: {1}", target, e.getMessage());
      downstream.abort();
      return;
    }
    Connection toServer = Loopback.wrap(upstream, conditions);
    Connection toClient = Loopback.wrap(downstream, conditions);
    Thread back = new Thread(() -> pump(upstream, toClient), "proxy " + target + " -> client");
    back.setDaemon(true);
    back.start();
    pump(downstream, toServer);
    back.join();
    toServer.close();
    toClient.close();
  }

  /** Copies {@code from} to {@code to} until end of stream (passed on as a half-close) or failure (a reset). */
  private static void pump(Connection from, Connection to) {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    try {
      while (from.read(buffer) != -1) {
        buffer.flip();
        to.write(buffer);
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      from.abort();
      to.abort();
    }
  }
}
