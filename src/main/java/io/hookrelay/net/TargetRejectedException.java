package io.hookrelay.net;

/**
 * A target URL broke one of the {@link TargetUrlPolicy} rules.
 *
 * <p>The message is meant for API callers: it names the rule that failed and never quotes more
 * than about 100 characters of the URL.
 */
public final class TargetRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  public TargetRejectedException(String message) {
    // This is a verdict on user input, not a fault. Nobody reads a stack trace for it, and
    // skipping it keeps rejections cheap when a client sends many bad URLs.
    super(message, null, false, false);
  }
}
