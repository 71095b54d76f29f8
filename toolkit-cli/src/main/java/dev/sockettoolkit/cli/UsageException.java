package dev.sockettoolkit.cli;

/** Arguments that parse but do not make sense together; reported like a parse error, exit 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
