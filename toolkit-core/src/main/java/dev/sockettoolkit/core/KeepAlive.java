package dev.sockettoolkit.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/** Applies {@link ConnectionOptions}' keep-alive idle, interval and count where the platform can. */
final class KeepAlive {
  private static final System.Logger LOG = System.getLogger(KeepAlive.class.getName());

  private KeepAlive() {}

  static void tune(NetworkChannel channel, ConnectionOptions options) throws IOException {
    if (!options.keepAlive()) {
      return;
    }
    set(channel, ExtendedSocketOptions.TCP_KEEPIDLE, seconds(options.keepAliveIdle()));
    set(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(options.keepAliveInterval()));
    set(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, options.keepAliveCount());
  }

  private static int seconds(Duration d) {
    long millis = d.toMillis();
    return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
  }

  private static void set(NetworkChannel channel, SocketOption<Integer> option, int value) throws IOException {
    if (value <= 0) {
      return;
    }
    if (!channel.supportedOptions().contains(option)) {
      LOG.log(Level.DEBUG, "{0} is not supported here; the OS default applies", option.name());
      return;
    }
    channel.setOption(option, value);
  }
}
