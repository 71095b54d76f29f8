package dev.sockettoolkit.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * Pipelined load for the blocking stacks (the toolkit and the plain socket): per connection one
 * writer thread that sends while the window has room, batching every frame the window allows into
 * one send, and one reader thread that counts echoes and opens the window again. The reader wakes
 * the writer only once a quarter of the window is free (the writer also looks every millisecond),
 * so the two threads hand over work in batches, as an event loop's read batch does, instead of a
 * thread wake-up per echoed frame. Stopping half-closes each connection; the reader then drains
 * the echoes until the server's end of stream.
 */
final class BlockingLoad implements EchoClient.Load {
  /** A connection of a blocking stack, as the load drives it. */
  interface Connection extends AutoCloseable {
    /** Sends {@code n} frames of the load's payload, as one batch where the stack can. */
    void send(int n) throws IOException;

    /** Receives at least one echoed frame; returns how many, or -1 at end of stream. */
    int receive() throws IOException;

    /** Half-closes: the server echoes what it has and then ends its stream. */
    void shutdownOutput() throws IOException;

    @Override
    void close() throws IOException;
  }

  private final List<Pump> pumps = new ArrayList<>();

  BlockingLoad(List<? extends Connection> connections, int window) {
    for (Connection connection : connections) {
      pumps.add(new Pump(connection, window));
    }
    pumps.forEach(Pump::start);
  }

  @Override
  public long received() {
    long sum = 0;
    for (Pump pump : pumps) {
      sum += pump.received;
    }
    return sum;
  }

  @Override
  public void close() throws IOException {
    for (Pump pump : pumps) {
      pump.running = false;
    }
    try {
      for (Pump pump : pumps) {
        pump.finish();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while draining the load");
    }
  }

  private static final class Pump {
    private static final AtomicLongFieldUpdater<Pump> RECEIVED =
        AtomicLongFieldUpdater.newUpdater(Pump.class, "received");

    /** How long the writer waits for a batch of credits before it sends what it has. */
    private static final long BATCH_WAIT_NANOS = 1_000_000;

    final Connection connection;
    /** Frames the writer may send now: echoes received since its last send, at first the window. */
    final AtomicInteger credits;
    /** Credits worth waking the writer for: a quarter of the window. */
    final int batch;
    final Thread writer;
    final Thread reader;
    volatile boolean running = true;
    volatile long received;
    volatile Throwable failure;

    Pump(Connection connection, int window) {
      this.connection = connection;
      this.credits = new AtomicInteger(window);
      this.batch = Math.max(1, window / 4);
      this.writer = new Thread(this::write, "bench-writer");
      this.reader = new Thread(this::read, "bench-reader");
      writer.setDaemon(true);
      reader.setDaemon(true);
    }

    void start() {
      reader.start();
      writer.start();
    }

    private void write() {
      try {
        while (running) {
          if (credits.get() < batch) {
            LockSupport.parkNanos(this, BATCH_WAIT_NANOS);
            if (credits.get() == 0) {
              continue;
            }
          }
          connection.send(credits.getAndSet(0));
        }
        connection.shutdownOutput();
      } catch (Throwable t) {
        fail(t);
      }
    }

    private void read() {
      try {
        long count = 0;
        for (int n; (n = connection.receive()) > 0; ) {
          count += n;
          RECEIVED.lazySet(this, count);
          int now = credits.addAndGet(n);
          if (now >= batch && now - n < batch) {
            LockSupport.unpark(writer);
          }
        }
      } catch (Throwable t) {
        if (running) {
          fail(t);
        }
      }
    }

    private void fail(Throwable t) {
      failure = t;
      running = false;
      try {
        connection.close();
      } catch (IOException | RuntimeException ignored) {
        // Already failing: the first failure is the one reported.
      }
    }

    void finish() throws IOException, InterruptedException {
      writer.join(10_000);
      reader.join(10_000);
      boolean stuck = writer.isAlive() || reader.isAlive();
      connection.close();
      if (stuck) {
        writer.join(5_000);
        reader.join(5_000);
      }
      Throwable t = failure;
      if (t != null) {
        throw new IOException("load failed: " + t, t);
      }
      if (stuck) {
        throw new IOException("load did not drain within 10 s; connection closed");
      }
    }
  }
}
