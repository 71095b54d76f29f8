package dev.sockettoolkit.core.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small, bounded, lock-free store of reusable objects shared by all threads. Taking and giving
 * allocate nothing and cost one compare-and-set; each thread starts looking at a slot of its own,
 * so threads rarely contend for one. An object given when every slot is full is dropped, for the
 * garbage collector.
 *
 * @param <T> the type of the objects
 */
public final class Slots<T> {
  /** The default number of slots: enough for every core to have a few objects out at once. */
  public static final int DEFAULT_SIZE = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

  private final AtomicReferenceArray<T> slots;

  /** A store of {@code size} slots, all empty. */
  public Slots(int size) {
    this.slots = new AtomicReferenceArray<>(size);
  }

  /** An object from a slot, or null if all are empty. */
  public T take() {
    int n = slots.length();
    int start = (int) (Thread.currentThread().getId() % n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      T item = slots.get(slot);
      if (item != null && slots.compareAndSet(slot, item, null)) {
        return item;
      }
    }
    return null;
  }

  /** Puts {@code item} into an empty slot, or drops it if there is none. */
  public void give(T item) {
    int n = slots.length();
    int start = (int) (Thread.currentThread().getId() % n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, item)) {
        return;
      }
    }
  }
}
