package dev.sockettoolkit.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.HdrHistogram.Histogram;

/**
 * The baseline: the echo protocol as a Java programmer writes it by hand with {@code
 * java.net.Socket}, a thread per connection, {@code DataInputStream.readInt}/{@code readFully} over
 * a {@code BufferedInputStream}, and a {@code BufferedOutputStream} flushed when no more input is
 * waiting. TLS is {@code SSLSocket} on the JDK provider.
 */
final class SocketEcho {
  private static final int BUFFER = 16 * 1024;

  private SocketEcho() {}

  static final class Server implements EchoServer {
    private final ServerSocket listener;
    private final AtomicInteger open = new AtomicInteger();
    private final Thread acceptor;

    Server(TlsMaterial tls) throws IOException, java.security.GeneralSecurityException {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      if (tls == null) {
        listener = new ServerSocket(0, 1024, loopback);
      } else {
        SSLServerSocket secure =
            (SSLServerSocket) tls.serverContext().getServerSocketFactory().createServerSocket(0, 1024, loopback);
        secure.setEnabledProtocols(new String[] {"TLSv1.3"});
        listener = secure;
      }
      acceptor = new Thread(this::accept, "socket-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket socket = listener.accept();
          socket.setTcpNoDelay(true);
          open.incrementAndGet();
          Thread thread = new Thread(() -> serve(socket), "socket-conn");
          thread.setDaemon(true);
          thread.start();
        } catch (IOException e) {
          if (!listener.isClosed()) {
            System.err.println("socket server: accept failed: " + e);
          }
        }
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
        byte[] frame = new byte[8192];
        while (true) {
          int length;
          try {
            length = in.readInt();
          } catch (EOFException e) {
            break;
          }
          if (length < 0 || length > Settings.MAX_FRAME) {
            throw new IOException("bad frame length " + length);
          }
          if (length > frame.length) {
            frame = new byte[Math.max(length, frame.length * 2)];
          }
          in.readFully(frame, 0, length);
          out.writeInt(length);
          out.write(frame, 0, length);
          if (in.available() == 0) {
            out.flush();
          }
        }
        out.flush();
      } catch (IOException e) {
        // The client went away: nothing to do but close, which try-with-resources does.
      } finally {
        open.decrementAndGet();
      }
    }

    @Override
    public int port() {
      return listener.getLocalPort();
    }

    @Override
    public int connections() {
      return open.get();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** One client connection: the load's frames go out through a buffered stream, flushed per batch. */
  static final class Connection implements BlockingLoad.Connection {
    static volatile String negotiated;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final byte[] payload;
    private byte[] frame = new byte[8192];

    Connection(int port, int size, SSLContext tls) throws IOException {
      Socket s;
      if (tls == null) {
        s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      } else {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket();
        secure.setTcpNoDelay(true);
        secure.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        negotiated = secure.getSession().getProtocol() + "/" + secure.getSession().getCipherSuite();
        s = secure;
      }
      socket = s;
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
      payload = new byte[size];
    }

    @Override
    public void send(int n) throws IOException {
      for (int i = 0; i < n; i++) {
        out.writeInt(payload.length);
        out.write(payload);
      }
      out.flush();
    }

    @Override
    public int receive() throws IOException {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException e) {
        return -1;
      }
      if (length > frame.length) {
        frame = new byte[length];
      }
      in.readFully(frame, 0, length);
      return 1;
    }

    @Override
    public void shutdownOutput() throws IOException {
      out.flush();
      // On an SSLSocket this sends close_notify; TLS 1.3 lets the peer keep writing after it.
      socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static final class Client implements EchoClient {
    private final SSLContext tls;

    Client(TlsMaterial tls) throws Exception {
      this.tls = tls == null ? null : tls.clientContext();
    }

    @Override
    public String negotiated() {
      return Connection.negotiated;
    }

    @Override
    public Load startLoad(int port, int connections, int size, int window) throws Exception {
      List<Connection> opened = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          opened.add(new Connection(port, size, tls));
        }
      } catch (IOException e) {
        for (Connection c : opened) {
          c.close();
        }
        throw e;
      }
      return new BlockingLoad(opened, window);
    }

    @Override
    public Histogram roundTrips(int port, int size, long warmupNanos, long measureNanos, int maxSamples)
        throws Exception {
      try (Connection connection = new Connection(port, size, tls)) {
        return RoundTrips.run(connection, warmupNanos, measureNanos, maxSamples);
      }
    }

    @Override
    public void close() {}
  }
}
