package com.example.downstream;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A downstream project's protocol: lines of {@code SET key value}, {@code GET key}, {@code QUIT}.
 * It knows nothing of sockets; it serves any {@link Connection}.
 */
final class KeyValueServer {
  static final FrameCodec<String> CODEC = FrameCodecs.lines().maxLineLength(1024).build();

  private final Map<String, String> store = new ConcurrentHashMap<>();

  void serve(Connection connection) throws IOException {
    try (MessageChannel<String> channel = MessageChannel.open(connection, CODEC)) {
      for (String line : channel) {
        String[] parts = line.split(" ", 3);
        switch (parts[0]) {
          case "SET":
            if (parts.length < 3) {
              channel.send("ERR usage: SET key value");
            } else {
              store.put(parts[1], parts[2]);
              channel.send("OK");
            }
            break;
          case "GET":
            channel.send(parts.length < 2 ? "ERR usage: GET key" : "VALUE " + store.getOrDefault(parts[1], ""));
            break;
          case "QUIT":
            channel.send("BYE");
            return;
          default:
            channel.send("ERR unknown command " + parts[0]);
        }
      }
    }
  }
}
