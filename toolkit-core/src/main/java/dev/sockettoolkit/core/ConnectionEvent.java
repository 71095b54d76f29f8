package dev.sockettoolkit.core;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * The JFR event for one connection, committed when it closes; its duration is the connection's
 * life. One event per connection, never per read or write, so the default threshold of zero keeps
 * a recording cheap: an event costs far less than the accept and close it records.
 */
@Name("dev.sockettoolkit.Connection")
@Label("Connection")
@Category("Socket Toolkit")
@Description("A connection, from open to close, with the bytes and messages it carried and how it ended")
@StackTrace(false)
@Threshold("0 ms")
final class ConnectionEvent extends Event {
  @Label("Transport")
  @Description("tcp, unix or in-memory")
  String transport;

  @Label("Side")
  @Description("client or server")
  String side;

  @Label("Local Address")
  String localAddress;

  @Label("Remote Address")
  String remoteAddress;

  @Label("Bytes Read")
  @DataAmount
  long bytesRead;

  @Label("Bytes Written")
  @DataAmount
  long bytesWritten;

  @Label("Outcome")
  @Description("closed, reset, idle_timeout, write_timeout, handshake_timeout, aborted or failed")
  String outcome;

  @Label("Messages Read")
  @Description("Messages received by a message channel over the connection; 0 when none ran")
  long messagesRead;

  @Label("Messages Written")
  @Description("Messages sent by a message channel over the connection; 0 when none ran")
  long messagesWritten;
}
