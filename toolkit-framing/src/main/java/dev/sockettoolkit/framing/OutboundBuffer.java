package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.internal.BufferPool;
import dev.sockettoolkit.core.internal.Slots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@link FrameSink} of a {@link MessageChannel}: encoded frames collect here until one
 * gathering write sends them all. Small writes are copied into a 64 KiB staging buffer (nothing
 * is allocated per frame), a direct one from {@link BufferPool#DIRECT} so that the socket writes
 * it without another copy; a payload of {@value #COPY_THRESHOLD} bytes or more becomes a segment
 * of its own, sent without a copy.
 *
 * <p>A channel {@linkplain #borrow() borrows} one under its send lock and {@linkplain #release()
 * gives it back} when it unlocks, so an idle channel holds none. Given-back buffers wait in a
 * small lock-free pool ({@link Slots}), their staging buffers in {@link BufferPool#DIRECT}, so
 * borrowing allocates nothing once the pools are warm and costs a few compare-and-sets.
 */
final class OutboundBuffer implements FrameSink {
  /** Flush once this many bytes are pending, between frames. */
  static final int FLUSH_THRESHOLD = BufferPool.BUFFER_SIZE;
  /** Payloads at least this large are sent by reference. */
  static final int COPY_THRESHOLD = 4 * 1024;
  /** Room kept for a frame's header bytes when deciding to flush. */
  private static final int HEADER_ROOM = 256;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final Slots<OutboundBuffer> FREE = new Slots<>(Slots.DEFAULT_SIZE);

  private final ByteBuffer[] one = new ByteBuffer[1];
  /** The 64 KiB staging buffer, from {@link BufferPool#DIRECT} on first use until release. */
  private ByteBuffer ownStaging;
  /** Where bytes are copied, in write mode; ownStaging unless a frame outgrew it. */
  private ByteBuffer staging;
  /** First staged byte not yet part of a segment. */
  private int regionStart;
  private ByteBuffer[] segments = filled(8);
  private int count;
  private long pending;

  private ByteBuffer markStaging;
  private int markPosition;
  private int markRegionStart;
  private int markCount;
  private long markPending;

  private OutboundBuffer() {}

  /** An empty buffer, pooled or new; {@link #release()} gives it back. */
  static OutboundBuffer borrow() {
    OutboundBuffer b = FREE.take();
    return b != null ? b : new OutboundBuffer();
  }

  private static ByteBuffer[] filled(int n) {
    ByteBuffer[] a = new ByteBuffer[n];
    Arrays.fill(a, EMPTY);
    return a;
  }

  /** Bytes encoded and not yet written. */
  long pending() {
    return pending;
  }

  /**
   * Whether to write what is pending before encoding the next frame: 64 KiB are pending, or the
   * staging buffer might not hold the next frame's copied bytes (a header and a payload under
   * {@value #COPY_THRESHOLD} bytes), which would make it allocate a bigger one.
   */
  boolean shouldFlush() {
    return pending >= FLUSH_THRESHOLD
        || (staging != null && staging.remaining() < COPY_THRESHOLD + HEADER_ROOM);
  }

  /** Marks the start of a frame, so that {@link #abortFrame()} can drop it. */
  void beginFrame() {
    if (staging == null) {
      ownStaging = BufferPool.DIRECT.take();
      staging = ownStaging;
      regionStart = 0;
    }
    markStaging = staging;
    markPosition = staging.position();
    markRegionStart = regionStart;
    markCount = count;
    markPending = pending;
  }

  /** Drops everything put since {@link #beginFrame()}. */
  void abortFrame() {
    for (int i = markCount; i < count; i++) {
      segments[i] = EMPTY;
    }
    count = markCount;
    staging = markStaging;
    staging.position(markPosition);
    regionStart = markRegionStart;
    pending = markPending;
  }

  @Override
  public void put(byte b) {
    if (!staging.hasRemaining()) {
      ensure(1);
    }
    staging.put(b);
    pending++;
  }

  @Override
  public void put(byte[] src, int offset, int length) {
    ensure(length);
    staging.put(src, offset, length);
    pending += length;
  }

  @Override
  public void put(ByteBuffer src) {
    int n = src.remaining();
    if (n >= COPY_THRESHOLD) {
      sealRegion();
      add(src.duplicate());
    } else {
      ensure(n);
      int at = staging.position();
      staging.put(at, src, src.position(), n);
      staging.position(at + n);
    }
    pending += n;
  }

  private void ensure(int n) {
    if (staging.remaining() < n) {
      sealRegion();
      staging = ByteBuffer.allocate(Math.max(FLUSH_THRESHOLD, n));
      regionStart = 0;
    }
  }

  /** Turns the staged bytes not yet in a segment into one. */
  private void sealRegion() {
    if (staging.position() > regionStart) {
      ByteBuffer region = staging.duplicate();
      region.limit(staging.position()).position(regionStart);
      add(region);
      regionStart = staging.position();
    }
  }

  private void add(ByteBuffer segment) {
    if (count == segments.length) {
      ByteBuffer[] grown = filled(segments.length * 2);
      System.arraycopy(segments, 0, grown, 0, count);
      segments = grown;
    }
    segments[count++] = segment;
  }

  /** Writes everything pending in one gathering write, then empties the buffer. */
  void flushTo(Connection connection) throws IOException {
    if (pending == 0) {
      return;
    }
    try {
      if (count == 0) {
        int end = staging.position();
        staging.limit(end).position(regionStart);
        one[0] = staging;
        connection.write(one);
      } else {
        sealRegion();
        connection.write(segments);
      }
    } finally {
      one[0] = null;
      reset();
    }
  }

  private void reset() {
    for (int i = 0; i < count; i++) {
      segments[i] = EMPTY;
    }
    count = 0;
    pending = 0;
    if (ownStaging != null) {
      ownStaging.clear();
    }
    staging = ownStaging;
    regionStart = 0;
  }

  /**
   * Empties the buffer, gives its staging buffer back to {@link BufferPool#DIRECT} and itself to
   * the pool of {@link #borrow()}; the caller must not use it afterwards.
   */
  void release() {
    reset();
    markStaging = null;
    if (ownStaging != null) {
      BufferPool.DIRECT.give(ownStaging);
      ownStaging = null;
      staging = null;
    }
    FREE.give(this);
  }
}
