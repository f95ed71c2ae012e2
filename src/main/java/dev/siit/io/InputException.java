package dev.siit.io;

/**
 * Bad input from the user (a missing file, a malformed line, an unknown option value).
 * The CLI prints only {@link #getMessage()} — one sentence naming the file, line or field —
 * and exits with code 2, so the message must stand on its own.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
