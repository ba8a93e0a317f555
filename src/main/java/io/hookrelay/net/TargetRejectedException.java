package io.hookrelay.net;

/**
 * A target URL broke one of the {@link TargetUrlPolicy} rules.
 *
 * <p>The message is meant for API callers: it names the rule that failed and never quotes more
 * than about 100 characters of the URL.
 */
public final class TargetRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean unresolved;
  private final boolean privateTarget;

  public TargetRejectedException(String message) {
    this(message, false);
  }

  /** {@code unresolved}: the only fault is that the host name does not resolve (yet). */
  public TargetRejectedException(String message, boolean unresolved) {
    this(message, unresolved, false);
  }

  private TargetRejectedException(String message, boolean unresolved, boolean privateTarget) {
    // This is a verdict on user input, not a fault. Nobody reads a stack trace for it, and
    // skipping it keeps rejections cheap when a client sends many bad URLs.
    super(message, null, false, false);
    this.unresolved = unresolved;
    this.privateTarget = privateTarget;
  }

  /** The URL is well formed but reaches this machine or a private network, which only the operator can allow. */
  public static TargetRejectedException privateTarget(String message) {
    return new TargetRejectedException(message, false, true);
  }

  public boolean unresolved() {
    return unresolved;
  }

  /** True when allowing private targets (an operator's start-up setting) would have accepted the URL. */
  public boolean privateTarget() {
    return privateTarget;
  }
}
