package dev.sockettoolkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void theDirectPoolLendsAtMostItsLimitThenHeapBuffers() {
    BufferPool heapPool = new BufferPool(false, BufferPool.BUFFER_SIZE, 2, null);
    BufferPool pool = new BufferPool(true, BufferPool.BUFFER_SIZE, 2, heapPool);
    ByteBuffer one = pool.takeDirect(100);
    ByteBuffer two = pool.take();
    assertTrue(one.isDirect() && two.isDirect());
    assertEquals(100, one.limit());
    assertNull(pool.takeDirect(1), "two out of two");
    ByteBuffer heap = pool.take();
    assertFalse(heap.isDirect(), "past the limit: a heap buffer");
    assertEquals(BufferPool.BUFFER_SIZE, heap.remaining());
    pool.give(heap);
    assertSame(heap, heapPool.take(), "the heap buffer went to the heap pool, for reuse");
    assertNull(pool.takeDirect(BufferPool.BUFFER_SIZE + 1), "larger than a pooled buffer");
    pool.give(one);
    ByteBuffer again = pool.takeDirect(5);
    assertSame(one, again, "given back, taken again without allocating");
    assertEquals(0, again.position());
    assertEquals(5, again.limit());
    pool.give(again);
    pool.give(two);
    assertEquals(0, pool.out());
    assertNull(heapPool.takeDirect(1), "the heap pool has no direct buffers");
  }

  @Test
  void aHeapPoolOfAnotherSizeReusesItsBuffersAndDropsOthers() {
    BufferPool pool = BufferPool.heap(1000);
    ByteBuffer b = pool.take();
    assertEquals(1000, b.capacity());
    assertFalse(b.isDirect());
    b.put((byte) 1);
    pool.give(b);
    ByteBuffer again = pool.take(800);
    assertSame(b, again, "a pooled buffer large enough");
    assertEquals(0, again.position(), "cleared");
    ByteBuffer larger = pool.take(1001);
    assertEquals(1001, larger.capacity(), "larger than the pool's buffers: a new one");
    pool.give(larger);
    pool.give(again);
    assertSame(again, pool.take(), "the larger one was dropped, not pooled");
    assertNotSame(larger, pool.take());
  }

  @Test
  void aDirectPoolNeedsAHeapPoolOfItsSize() {
    assertThrows(
        IllegalArgumentException.class, () -> new BufferPool(true, 1000, 2, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BufferPool(true, 1000, 2, BufferPool.heap(2000)));
    assertTrue(BufferPool.DIRECT.isDirect());
    assertFalse(BufferPool.HEAP.isDirect());
  }
}
