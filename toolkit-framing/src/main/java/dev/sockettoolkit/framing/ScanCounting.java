package dev.sockettoolkit.framing;

/** Implemented by the library's decoders so that tests can check their work is linear in the input. */
interface ScanCounting {
  /** How many times a received byte has been read so far, copies of whole frames excluded. */
  long bytesExamined();
}
