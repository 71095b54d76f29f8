package dev.sockettoolkit.cli;

import dev.sockettoolkit.tls.TlsHandshakeException;
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

  /** The command line's words for what the library's hint says in API terms. */
  static final String CLIENT_CERTIFICATE_HINT =
      "a client certificate is required: the client must connect with --cert FILE --key FILE"
          + " (toolkit connect), issued by a CA the server trusts with --ca (toolkit cert issue --client)";

  static String describe(Throwable e) {
    Throwable t = unwrap(e);
    String message = Toolkit.oneLine(t.getMessage());
    if (t instanceof TlsHandshakeException tls
        && tls.reason() == TlsHandshakeException.Reason.CLIENT_CERTIFICATE_REQUIRED) {
      message = message.replace(tls.reason().hint(), CLIENT_CERTIFICATE_HINT);
    }
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
