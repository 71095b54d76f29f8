package dev.sockettoolkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.internal.CombiningWriter.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CombiningWriterTest {

  /** Writes items into a list, one batch per locked section; fails items equal to "fail". */
  private static final class Recorder implements CombiningWriter.Combiner<String> {
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger unlocks = new AtomicInteger();
    volatile CountDownLatch holdFirst;
    CombiningWriter<String> writer;

    @Override
    public void combine(String own, CombiningWriter<String> w) throws IOException {
      CountDownLatch hold = holdFirst;
      if (hold != null) {
        holdFirst = null;
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      List<String> batch = new ArrayList<>();
      if (own != null) {
        if (own.equals("fail")) {
          throw new IOException("own failed");
        }
        batch.add(own);
      }
      for (Request<String> r; (r = w.poll()) != null; ) {
        if (r.item().equals("fail")) {
          r.fail(new IOException("queued failed"));
        } else {
          batch.add(r.item());
          r.complete();
        }
      }
      batches.add(batch);
    }

    @Override
    public void beforeUnlock() {
      unlocks.incrementAndGet();
    }
  }

  @Test
  void aLoneWriterWritesItsItemAtOnce() throws Exception {
    Recorder recorder = new Recorder();
    CombiningWriter<String> writer = new CombiningWriter<>(recorder);
    writer.write("a");
    writer.write("b");
    assertEquals(List.of(List.of("a"), List.of("b")), recorder.batches);
    assertEquals(2, recorder.unlocks.get(), "beforeUnlock runs every time the lock is released");
  }

  @Test
  void writersThatFindTheLockTakenAreWrittenByItsHolderInOneBatch() throws Exception {
    Recorder recorder = new Recorder();
    CombiningWriter<String> writer = new CombiningWriter<>(recorder);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      Future<?> first = holdingTheLock(recorder, writer, "first", release, threads);
      List<Future<?>> others = new ArrayList<>();
      for (String item : List.of("x", "y", "z")) {
        others.add(threads.submit(() -> {
          writer.write(item);
          return null;
        }));
      }
      waitUntilQueued(writer, 3);
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (Future<?> f : others) {
        f.get(10, TimeUnit.SECONDS);
      }
      List<String> all = new ArrayList<>();
      recorder.batches.forEach(all::addAll);
      assertEquals(4, all.size());
      assertTrue(all.containsAll(List.of("first", "x", "y", "z")));
      assertEquals(List.of("first", "x", "y", "z").size(), all.size());
      assertTrue(
          recorder.batches.get(0).size() == 4,
          "the holder wrote the queued items with its own: " + recorder.batches);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void eachWriterGetsItsOwnFailure() throws Exception {
    Recorder recorder = new Recorder();
    CombiningWriter<String> writer = new CombiningWriter<>(recorder);
    IOException own = assertThrows(IOException.class, () -> writer.write("fail"));
    assertEquals("own failed", own.getMessage());

    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = holdingTheLock(recorder, writer, "ok", release, threads);
      Future<?> queued = threads.submit(() -> {
        writer.write("fail");
        return null;
      });
      waitUntilQueued(writer, 1);
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      Exception e = assertThrows(Exception.class, () -> queued.get(10, TimeUnit.SECONDS));
      assertEquals("queued failed", e.getCause().getMessage());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void anInterruptedWriterStillWaitsForItsItemAndKeepsItsInterrupt() throws Exception {
    Recorder recorder = new Recorder();
    CombiningWriter<String> writer = new CombiningWriter<>(recorder);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = holdingTheLock(recorder, writer, "first", release, threads);
      boolean[] interruptedAfter = new boolean[1];
      Thread second = new Thread(() -> {
        try {
          writer.write("second");
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        interruptedAfter[0] = Thread.currentThread().isInterrupted();
      });
      second.start();
      waitUntilQueued(writer, 1);
      second.interrupt();
      Thread.sleep(50);
      assertTrue(second.isAlive(), "waits for its item, not out of the loop");
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      second.join(10_000);
      assertFalse(second.isAlive());
      assertTrue(interruptedAfter[0], "the interrupt is kept");
      List<String> all = new ArrayList<>();
      recorder.batches.forEach(all::addAll);
      assertEquals(List.of("first", "second"), all);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void exclusivelyRunsAloneAndTryExclusivelyGivesUpWhenTheLockIsHeld() throws Exception {
    Recorder recorder = new Recorder();
    CombiningWriter<String> writer = new CombiningWriter<>(recorder);
    boolean[] ran = new boolean[1];
    writer.exclusively(() -> {
      assertTrue(writer.isHeldByCurrentThread());
      Thread other = new Thread(() -> {
        try {
          ran[0] = writer.tryExclusively(10, TimeUnit.MILLISECONDS, () -> {});
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertFalse(ran[0], "the lock was held");
    assertTrue(writer.tryExclusively(0, TimeUnit.MILLISECONDS, () -> ran[0] = true));
    assertTrue(ran[0]);
    IOException thrown = new IOException("from the action");
    assertSame(thrown, assertThrows(IOException.class, () -> writer.exclusively(() -> {
      throw thrown;
    })));
    assertFalse(writer.isHeldByCurrentThread(), "released after an exception");
    writer.write("after");
    assertEquals(List.of(List.of("after")), recorder.batches);
  }

  @Test
  void failQueuedFailsEveryWaitingWriter() throws Exception {
    IOException broken = new IOException("broken");
    CountDownLatch release = new CountDownLatch(1);
    CombiningWriter<String> writer = new CombiningWriter<>((own, w) -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      w.failQueued(broken);
      if (own != null) {
        throw broken;
      }
    });
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String item = "m" + i;
        all.add(threads.submit(() -> {
          writer.write(item);
          return null;
        }));
      }
      waitUntilQueued(writer, 2);
      release.countDown();
      for (Future<?> f : all) {
        Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
        assertSame(broken, e.getCause());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Starts a writer of {@code item} on {@code threads} that holds the lock, inside the combiner,
   * until {@code release} opens; returns once it holds it.
   */
  private static Future<?> holdingTheLock(
      Recorder recorder,
      CombiningWriter<String> writer,
      String item,
      CountDownLatch release,
      ExecutorService threads) {
    recorder.holdFirst = release;
    Future<?> first = threads.submit(() -> {
      writer.write(item);
      return null;
    });
    while (recorder.holdFirst != null) {
      Thread.onSpinWait();
    }
    return first;
  }

  /** Waits until at least {@code n} writers are queued, peeking under no lock. */
  private static void waitUntilQueued(CombiningWriter<String> writer, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queued(writer) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("writers did not queue");
      }
      Thread.sleep(1);
    }
  }

  private static int queued(CombiningWriter<String> writer) throws Exception {
    java.lang.reflect.Field f = CombiningWriter.class.getDeclaredField("queue");
    f.setAccessible(true);
    java.util.Collection<?> q = (java.util.Collection<?>) f.get(writer);
    return q == null ? 0 : q.size();
  }
}
