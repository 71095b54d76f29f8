package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve --mode stdio}: every received frame goes to standard output, prefixed with
 * {@code [N] } (the connection's number) while more than one connection is open; every line of
 * standard input goes as one frame to every open connection, or to connection N alone when it
 * reads {@code @N text}. A connection ends when its client ends its stream.
 */
final class StdioServer implements ConnectionListener {
  private static final Pattern ADDRESSED = Pattern.compile("@(\\d+)(?: (.*))?", Pattern.DOTALL);

  private final FrameCodec<ByteBuffer> codec;
  private final Supplier<TlsConfig> tls;
  private final Format format;
  private final OutputStream out;
  private final PrintWriter err;
  private final boolean verbose;
  private final AtomicInteger numbers = new AtomicInteger();
  private final Map<Integer, Peer> open = new ConcurrentSkipListMap<>();

  /** One open connection: frames go out through its channel, or as bytes with raw framing. */
  private record Peer(int number, Connection connection, MessageChannel<ByteBuffer> channel) {
    void send(byte[] frame) throws IOException {
      if (channel != null) {
        channel.send(ByteBuffer.wrap(frame));
      } else {
        connection.write(ByteBuffer.wrap(frame));
      }
    }
  }

  StdioServer(
      FrameCodec<ByteBuffer> codec, Supplier<TlsConfig> tls, Format format, OutputStream out, PrintWriter err, boolean verbose) {
    this.codec = codec;
    this.tls = tls;
    this.format = format;
    this.out = out;
    this.err = err;
    this.verbose = verbose;
  }

  /** The handler: numbers the connection, then prints what it receives until it ends. */
  void serve(Connection plain) {
    int number = numbers.incrementAndGet();
    String peer = ServeCommand.peer(plain.remoteAddress());
    Connection connection = plain;
    try {
      connection = ServeCommand.secure(plain, tls == null ? null : tls.get());
      MessageChannel<ByteBuffer> channel = codec == null ? null : MessageChannel.open(connection, codec);
      open.put(number, new Peer(number, connection, channel));
      note("[" + number + "] connected: " + peer);
      if (channel != null) {
        ByteBuffer frame;
        while ((frame = channel.receive()) != null) {
          print(number, format.print(frame), true);
        }
        open.remove(number);
        channel.close();
      } else {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (connection.read(buffer) >= 0) {
          buffer.flip();
          print(number, format == Format.text ? copy(buffer) : format.print(buffer), format != Format.text);
          buffer.clear();
        }
        open.remove(number);
        connection.close();
      }
      note("[" + number + "] closed by the client");
    } catch (IOException | RuntimeException e) {
      open.remove(number);
      report("[" + number + "] " + peer, e);
      connection.abort();
    }
  }

  /** Sends each line of {@code in} until it ends; runs on its own thread. */
  void readInput(InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          line.write(b);
          continue;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        sendLine(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
      }
      if (line.size() > 0) {
        sendLine(line.toString(StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      report("stdin", e);
    }
  }

  private void sendLine(String line) {
    Integer only = null;
    String text = line;
    Matcher m = ADDRESSED.matcher(line);
    if (m.matches()) {
      only = Integer.valueOf(m.group(1));
      text = m.group(2) == null ? "" : m.group(2);
    }
    byte[] frame;
    try {
      frame = codec == null && format == Format.text
          ? (text + "\n").getBytes(StandardCharsets.ISO_8859_1)
          : format.parse(text.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      note("stdin: " + e.getMessage() + "; not sent");
      return;
    }
    if (only != null) {
      Peer peer = open.get(only);
      if (peer == null) {
        note("stdin: no open connection [" + only + "] (open: " + open.keySet() + "); not sent");
      } else {
        send(peer, frame);
      }
    } else if (open.isEmpty()) {
      note("stdin: no open connection; not sent");
    } else {
      open.values().forEach(peer -> send(peer, frame));
    }
  }

  private void send(Peer peer, byte[] frame) {
    try {
      peer.send(frame);
    } catch (IOException | RuntimeException e) {
      report("[" + peer.number() + "] " + ServeCommand.peer(peer.connection().remoteAddress()), e);
    }
  }

  private void print(int number, byte[] line, boolean newline) throws IOException {
    synchronized (out) {
      if (open.size() > 1) {
        out.write(("[" + number + "] ").getBytes(StandardCharsets.US_ASCII));
      }
      out.write(line);
      if (newline) {
        out.write('\n');
      }
      out.flush();
    }
  }

  private static byte[] copy(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private void note(String message) {
    synchronized (err) {
      err.println("serve: " + message);
      err.flush();
    }
  }

  private void report(String who, Throwable e) {
    synchronized (err) {
      if (verbose) {
        e.printStackTrace(err);
      }
      err.println("serve: " + who + ": " + Errors.describe(e));
      err.flush();
    }
  }

  @Override
  public void rejected(SocketAddress remote, String reason) {
    note(ServeCommand.peer(remote) + ": refused: " + reason);
  }
}
