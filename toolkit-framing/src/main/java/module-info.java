/** Frame codecs and message channels over a {@code Connection}. */
module dev.sockettoolkit.framing {
  requires transitive dev.sockettoolkit.core;
}
