package dev.sockettoolkit.cli;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/** Turns exceptions into the one-line reasons the command prints. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    Throwable t = unwrap(e);
    String message = Toolkit.oneLine(t.getMessage());
    if (t instanceof NoSuchFileException) {
      return "no such file: " + message;
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied: " + message;
    }
    if (t instanceof FileNotFoundException) {
      return "file not found: " + message;
    }
    if (t instanceof UnknownHostException) {
      return "unknown host: " + message;
    }
    if (t instanceof ConnectException && message.isEmpty()) {
      return "connection refused";
    }
    if (message.isEmpty()) {
      return t.getClass().getSimpleName();
    }
    if (t instanceof IllegalArgumentException
        || t instanceof UsageException
        || t instanceof java.io.IOException
        || t instanceof java.security.GeneralSecurityException) {
      return message;
    }
    return t.getClass().getSimpleName() + ": " + message;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof UncheckedIOException
            || t instanceof ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
