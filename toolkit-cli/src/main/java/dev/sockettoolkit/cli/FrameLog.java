package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameException;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.testkit.ForwardingConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * {@code proxy --log-frames}: one direction of one proxied connection, decoded from a copy of the
 * bytes on their way out, so that nothing forwarded changes. Prints {@code -> N bytes: PREVIEW}
 * (client to server) or {@code <- N bytes: PREVIEW} per frame, with {@code [N] } in front while
 * more than one connection is open. A frame that breaks the framing is logged once; the bytes are
 * still forwarded, and that direction logs no more frames.
 *
 * <pre>{@code
 * Connection toServer = new FrameLog(server, "->", 1, codec, stdout, open::get);
 * }</pre>
 */
final class FrameLog extends ForwardingConnection {
  private final String arrow;
  private final int number;
  private final FrameDecoder<ByteBuffer> decoder;
  private final OutputStream out;
  private final IntSupplier openConnections;
  /** Bytes seen and not yet decoded, in read mode; only the writing thread touches it. */
  private ByteBuffer pending = ByteBuffer.allocate(8 * 1024).flip();
  private boolean broken;

  /**
   * @param arrow {@code ->} for client to server, {@code <-} for server to client
   * @param codec the framing, or null for raw: each write is then logged as it is
   */
  FrameLog(
      Connection delegate, String arrow, int number, FrameCodec<ByteBuffer> codec, OutputStream out,
      IntSupplier openConnections) {
    super(delegate);
    this.arrow = arrow;
    this.number = number;
    this.decoder = codec == null ? null : codec.newDecoder();
    this.out = out;
    this.openConnections = openConnections;
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    synchronized (this) {
      for (ByteBuffer src : srcs) {
        see(src.duplicate());
      }
    }
    super.write(srcs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    synchronized (this) {
      if (decoder != null && !broken) {
        try {
          for (ByteBuffer frame; (frame = decoder.decodeAtEnd(pending)) != null; ) {
            frame(frame);
          }
        } catch (IOException e) {
          line("stream ended inside a frame: " + Errors.describe(e));
        }
        broken = true;
      }
    }
    super.shutdownOutput();
  }

  private void see(ByteBuffer bytes) {
    if (!bytes.hasRemaining() || broken) {
      return;
    }
    if (decoder == null) {
      frame(bytes);
      return;
    }
    append(bytes);
    try {
      while (true) {
        try {
          ByteBuffer frame = decoder.decode(pending);
          if (frame == null) {
            break;
          }
          frame(frame);
        } catch (FrameTooLongException e) {
          if (!e.discarded()) {
            throw e;
          }
          line("frame too long, skipped: " + Errors.describe(e));
        }
      }
    } catch (FrameException e) {
      broken = true;
      line("framing error: " + Errors.describe(e) + " (bytes still forwarded unchanged; no more frames logged this way)");
    } catch (IOException | RuntimeException e) {
      broken = true;
      line("cannot decode: " + Errors.describe(e) + " (bytes still forwarded unchanged; no more frames logged this way)");
    }
  }

  private void append(ByteBuffer bytes) {
    pending.compact();
    if (pending.remaining() < bytes.remaining()) {
      int size = Math.max(pending.capacity() * 2, pending.position() + bytes.remaining());
      ByteBuffer bigger = ByteBuffer.allocate(size);
      pending.flip();
      bigger.put(pending);
      pending = bigger;
    }
    pending.put(bytes).flip();
  }

  private void frame(ByteBuffer frame) {
    line(frame.remaining() + " bytes: " + Format.preview(frame));
  }

  private void line(String text) {
    String prefix = openConnections.getAsInt() > 1 ? "[" + number + "] " : "";
    byte[] bytes = (prefix + arrow + " " + text + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // stdout is gone: the proxy keeps forwarding
      }
    }
  }
}
