package dev.sockettoolkit.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Netty's NIO transport or its native epoll transport, which loads only where its library does. */
enum NettyTransport {
  NIO,
  EPOLL;

  /** Why epoll cannot be used here, or null when it can. */
  static String epollUnavailableReason() {
    try {
      if (Epoll.isAvailable()) {
        return null;
      }
      Throwable cause = Epoll.unavailabilityCause();
      return cause == null ? "unknown" : cause.toString();
    } catch (LinkageError e) {
      return e.toString();
    }
  }

  EventLoopGroup newGroup(int threads) {
    IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, factory);
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> channel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
