package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.core.TimeSource;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scripted peer for any protocol, the way okhttp's {@code MockWebServer} is for HTTP: enqueue
 * what it does (reply with messages, expect messages, pause, half-close, close, reset, send raw
 * bytes), run the client under test against it, then take what it received and {@link #verify()}
 * that the script ran as written.
 *
 * <pre>{@code
 * try (MockPeer<String> peer = MockPeer.inMemory(FrameCodecs.lines().build())) {
 *   peer.expect("HELLO").reply("WELCOME").expect("QUIT").reply("BYE").closeConnection();
 *   ChatClient client = ChatClient.connect(peer.address());     // the code under test
 *   client.login();
 *   client.quit();
 *   peer.verify();                          // every step ran; no message was unexpected
 *   assertEquals(2, peer.receivedCount());
 * }
 * }</pre>
 *
 * <p>Steps run in order on the connection, one at a time; received messages are recorded as they
 * arrive, whatever step is running, and {@code expect} steps check them in order. A step that
 * fails (an unexpected message, a message that does not come within {@link #timeout}) is recorded
 * with its position in the script and what arrived instead, and the script goes on; {@link
 * #verify()} reports every failure. Steps may be enqueued before or while a client is connected.
 * A server-side peer serves one connection at a time (a second concurrent one is reset); after
 * {@link #closeConnection()} or {@link #resetConnection()} the next connection continues with the
 * next step, so reconnecting clients can be scripted too.
 *
 * @param <T> the codec's message type
 */
public final class MockPeer<T> implements AutoCloseable {
  private static final AtomicLong NAMES = new AtomicLong();

  private final FrameCodec<T> codec;
  private final Server server;
  /** The clock of the timeouts, delays and stalls: the connection's, or the one given. */
  private final TimeSource time;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Step<T>> script = new ArrayList<>(); // guarded by lock
  private final List<T> received = new ArrayList<>(); // guarded by lock
  private final List<String> failures = new ArrayList<>(); // guarded by lock
  private int nextStep; // steps started; guarded by lock
  private int completed; // steps finished; guarded by lock
  private int serving; // connections running the script now; guarded by lock
  private int expected; // received messages checked by expect steps; guarded by lock
  private int taken; // received messages returned by takeReceived; guarded by lock
  private boolean closed; // guarded by lock
  private volatile Duration timeout = Duration.ofSeconds(5);
  private volatile long stalledUntil;

  private MockPeer(FrameCodec<T> codec, Server server, TimeSource time) {
    this.codec = codec;
    this.server = server;
    this.time = time;
  }

  /** A server-side peer listening on a fresh {@link InMemoryAddress}. */
  public static <T> MockPeer<T> inMemory(FrameCodec<T> codec) throws IOException {
    return inMemory(codec, TimeSource.system());
  }

  /**
   * A server-side peer listening on a fresh {@link InMemoryAddress}, on {@code time}: with a
   * {@link VirtualClock}, its connection's timeouts, its {@code delay} and {@code stall} steps and
   * the waits of {@code expect}, {@link #takeReceived} and {@link #verify} run in virtual time.
   */
  public static <T> MockPeer<T> inMemory(FrameCodec<T> codec, TimeSource time) throws IOException {
    Objects.requireNonNull(time, "time");
    return listening(
        codec, InMemoryAddress.named("mock-peer-" + NAMES.incrementAndGet()), null, time);
  }

  /** A server-side peer listening on 127.0.0.1, any free port. */
  public static <T> MockPeer<T> tcp(FrameCodec<T> codec) throws IOException {
    return listening(codec, null, null, TimeSource.system());
  }

  /** A server-side peer speaking TLS with {@code config} on 127.0.0.1, any free port. */
  public static <T> MockPeer<T> tls(FrameCodec<T> codec, TlsConfig config) throws IOException {
    return listening(codec, null, Objects.requireNonNull(config, "config"), TimeSource.system());
  }

  /**
   * A peer on a connection the test made (the client side of a protocol, a TLS connection it
   * wrapped): the script starts at once, on a thread of its own.
   */
  public static <T> MockPeer<T> on(Connection connection, FrameCodec<T> codec) {
    Objects.requireNonNull(connection, "connection");
    MockPeer<T> peer =
        new MockPeer<>(Objects.requireNonNull(codec, "codec"), null, connection.timeSource());
    Thread runner = new Thread(() -> peer.serveQuietly(connection), "mock-peer " + connection);
    runner.setDaemon(true);
    VirtualClock.starting(peer.time, runner);
    runner.start();
    return peer;
  }

  private static <T> MockPeer<T> listening(
      FrameCodec<T> codec, SocketAddress bind, TlsConfig tls, TimeSource time) throws IOException {
    Objects.requireNonNull(codec, "codec");
    AtomicReference<MockPeer<T>> peer = new AtomicReference<>();
    Server.Builder builder =
        Server.builder()
            .maxConnections(1)
            .drainTimeout(Duration.ZERO)
            .timeSource(time)
            .handler(
                tls == null
                    ? connection -> peer.get().serve(connection)
                    : TlsConnection.serverHandler(tls, connection -> peer.get().serve(connection)));
    if (bind != null) {
      builder.bind(bind);
    }
    Server server = builder.build();
    peer.set(new MockPeer<>(codec, server, time));
    server.startAsync();
    try {
      server.awaitRunning();
    } catch (IllegalStateException e) {
      throw new IOException("the mock peer could not listen", server.failureCause());
    }
    return peer.get();
  }

  /** Where a server-side peer listens: connect the client under test here. */
  public SocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("a peer on a given connection has no address");
    }
    return server.localAddress();
  }

  /** How long an {@code expect} or {@code awaitMessages} step waits (default 5 s). */
  public MockPeer<T> timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  // ---- the script

  /** Sends {@code message}. */
  public MockPeer<T> reply(T message) {
    return reply(List.of(message));
  }

  /** Sends {@code messages}, in order, in one write. */
  public MockPeer<T> reply(List<T> messages) {
    return add(new Step<>(Kind.REPLY, List.copyOf(messages), 0, null, null));
  }

  /** Waits for the next received message and checks it equals {@code message}. */
  public MockPeer<T> expect(T message) {
    return add(new Step<>(Kind.EXPECT, List.of(message), 1, null, null));
  }

  /** Waits until {@code count} more messages have arrived, whatever they are. */
  public MockPeer<T> awaitMessages(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive, got " + count);
    }
    return add(new Step<>(Kind.AWAIT, List.of(), count, null, null));
  }

  /** Does nothing for {@code pause}, still receiving. */
  public MockPeer<T> delay(Duration pause) {
    return add(new Step<>(Kind.DELAY, List.of(), 0, Objects.requireNonNull(pause, "pause"), null));
  }

  /** Neither reads nor writes for {@code pause}: the client's writes back up as on a stuck peer. */
  public MockPeer<T> stall(Duration pause) {
    return add(new Step<>(Kind.STALL, List.of(), 0, Objects.requireNonNull(pause, "pause"), null));
  }

  /** Ends this side's output; the client reads end of stream, and may still send. */
  public MockPeer<T> halfClose() {
    return add(new Step<>(Kind.HALF_CLOSE, List.of(), 0, null, null));
  }

  /** Closes the connection gracefully; the next connection goes on with the next step. */
  public MockPeer<T> closeConnection() {
    return add(new Step<>(Kind.CLOSE, List.of(), 0, null, null));
  }

  /** Resets the connection (the client sees a reset); the next connection goes on with the next step. */
  public MockPeer<T> resetConnection() {
    return add(new Step<>(Kind.RESET, List.of(), 0, null, null));
  }

  /** Sends {@code bytes} as they are: garbage, a truncated frame, a frame of another format. */
  public MockPeer<T> sendRaw(byte[] bytes) {
    return add(new Step<>(Kind.RAW, List.of(), 0, null, bytes.clone()));
  }

  private MockPeer<T> add(Step<T> step) {
    lock.lock();
    try {
      script.add(step);
      VirtualClock.signalAll(time, changed);
    } finally {
      lock.unlock();
    }
    return this;
  }

  // ---- what was received

  /**
   * The next received message not taken yet, in arrival order, waiting up to {@code wait}.
   *
   * @throws AssertionError if none arrives in time
   */
  public T takeReceived(Duration wait) throws InterruptedException {
    long deadline = time.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (received.size() <= taken) {
        if (time.nanoTime() - deadline >= 0) {
          throw new AssertionError(
              "no message arrived within " + wait + "; received so far: " + received);
        }
        VirtualClock.await(time, lock, changed, true, deadline);
      }
      return received.get(taken++);
    } finally {
      lock.unlock();
    }
  }

  /** How many messages have arrived so far. */
  public int receivedCount() {
    lock.lock();
    try {
      return received.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks that every step ran and none failed. First waits, up to {@link #timeout}, for the step
   * in progress and, while a client is connected, for the steps still to run.
   *
   * @throws AssertionError naming each failed step by its position, with what arrived instead, and
   *     the steps that never ran
   */
  public void verify() {
    long deadline = time.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (time.nanoTime() - deadline < 0
          && (completed < nextStep || (serving > 0 && nextStep < script.size()))) {
        VirtualClock.await(time, lock, changed, true, deadline);
      }
      List<String> problems = new ArrayList<>(failures);
      if (nextStep < script.size()) {
        problems.add(
            "steps " + (nextStep + 1) + " to " + script.size() + " never ran: "
                + script.subList(nextStep, script.size()));
      }
      if (!problems.isEmpty()) {
        throw new AssertionError(
            "the mock peer's script did not run as written:\n  " + String.join("\n  ", problems)
                + "\nreceived: " + received);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the script", e);
    } finally {
      lock.unlock();
    }
  }

  /** Stops listening and ends the connection in progress. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      VirtualClock.signalAll(time, changed);
    } finally {
      lock.unlock();
    }
    if (server != null) {
      server.close();
    }
  }

  // ---- running it

  private void serveQuietly(Connection connection) {
    try {
      serve(connection);
    } catch (IOException e) {
      fail("the connection failed: " + e);
    }
  }

  /** Runs the script on {@code connection} until a close or reset step, the end, or close(). */
  private void serve(Connection connection) throws IOException {
    MessageChannel<T> channel = MessageChannel.open(new Stallable(connection), codec);
    changeServing(1);
    boolean[] ended = new boolean[1];
    Thread reader = new Thread(() -> readAll(channel, ended), "mock-peer reader " + connection);
    reader.setDaemon(true);
    VirtualClock.starting(time, reader);
    reader.start();
    try {
      while (true) {
        Step<T> step;
        int position;
        lock.lock();
        try {
          boolean interrupted = false;
          while (nextStep >= script.size() && !closed && !ended[0]) {
            try {
              VirtualClock.await(time, lock, changed, false, 0);
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          if (nextStep >= script.size()) {
            return; // closed, or the client left with nothing more scripted
          }
          position = ++nextStep;
          step = script.get(position - 1);
        } finally {
          lock.unlock();
        }
        boolean goOn;
        try {
          goOn = run(step, position, channel, connection);
        } finally {
          lock.lock();
          try {
            completed++;
            VirtualClock.signalAll(time, changed);
          } finally {
            lock.unlock();
          }
        }
        if (!goOn) {
          return;
        }
      }
    } finally {
      try {
        channel.close();
      } finally {
        changeServing(-1);
      }
    }
  }

  private void changeServing(int delta) {
    lock.lock();
    try {
      serving += delta;
      VirtualClock.signalAll(time, changed);
    } finally {
      lock.unlock();
    }
  }

  /** Runs one step; returns whether the connection goes on. */
  private boolean run(Step<T> step, int position, MessageChannel<T> channel, Connection connection)
      throws IOException {
    switch (step.kind) {
      case REPLY -> channel.sendAll(step.messages);
      case EXPECT, AWAIT -> awaitMessages(step, position);
      case DELAY -> sleep(step.duration);
      case STALL -> {
        stalledUntil = time.nanoTime() + step.duration.toNanos();
        sleep(step.duration);
      }
      case HALF_CLOSE -> connection.shutdownOutput();
      case CLOSE -> {
        channel.close();
        return false;
      }
      case RESET -> {
        connection.abort();
        return false;
      }
      case RAW -> connection.write(ByteBuffer.wrap(step.raw));
    }
    return true;
  }

  private void awaitMessages(Step<T> step, int position) {
    long deadline = time.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (received.size() < expected + step.count) {
        if (time.nanoTime() - deadline >= 0 || closed) {
          failures.add(
              "step " + position + " (" + step + "): "
                  + (received.size() - expected) + " of " + step.count
                  + " message(s) arrived within " + timeout);
          expected = received.size();
          return;
        }
        VirtualClock.await(time, lock, changed, true, deadline);
      }
      if (step.kind == Kind.EXPECT) {
        T actual = received.get(expected);
        if (!Objects.equals(step.messages.get(0), actual)) {
          failures.add(
              "step " + position + " (" + step + "): received " + describe(actual) + " instead");
        }
      }
      expected += step.count;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void readAll(MessageChannel<T> channel, boolean[] ended) {
    try {
      while (true) {
        T message = channel.receive();
        if (message == null) {
          break;
        }
        lock.lock();
        try {
          received.add(message);
          VirtualClock.signalAll(time, changed);
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      // The script closed or reset the connection, or the client did: the script decides.
    } finally {
      lock.lock();
      try {
        ended[0] = true;
        VirtualClock.signalAll(time, changed);
      } finally {
        lock.unlock();
      }
    }
  }

  /** The connection as the script's channel reads it: no read starts while a stall lasts. */
  private final class Stallable extends ForwardingConnection {
    Stallable(Connection delegate) {
      super(delegate);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      waitOutStall();
      return super.read(dst);
    }

    @Override
    public int read(ByteBuffer dst, Duration wait) throws IOException {
      waitOutStall();
      return super.read(dst, wait);
    }

    private void waitOutStall() {
      long stall = stalledUntil - time.nanoTime();
      if (stall > 0) {
        sleep(Duration.ofNanos(stall));
      }
    }
  }

  private void fail(String problem) {
    lock.lock();
    try {
      failures.add(problem);
    } finally {
      lock.unlock();
    }
  }

  private void sleep(Duration pause) {
    try {
      if (time instanceof VirtualClock clock) {
        clock.sleep(pause);
      } else {
        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Object message) {
    if (message instanceof ByteBuffer bytes) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      return "bytes " + Arrays.toString(copy);
    }
    return "\"" + message + "\"";
  }

  private enum Kind { REPLY, EXPECT, AWAIT, DELAY, STALL, HALF_CLOSE, CLOSE, RESET, RAW }

  /** One step of the script. */
  private record Step<T>(Kind kind, List<T> messages, int count, Duration duration, byte[] raw) {
    @Override
    public String toString() {
      return switch (kind) {
        case REPLY -> "reply " + messages;
        case EXPECT -> "expect " + describe(messages.get(0));
        case AWAIT -> "await " + count + " message(s)";
        case DELAY -> "delay " + duration;
        case STALL -> "stall " + duration;
        case HALF_CLOSE -> "half-close";
        case CLOSE -> "close";
        case RESET -> "reset";
        case RAW -> "raw " + raw.length + " bytes";
      };
    }
  }
}
