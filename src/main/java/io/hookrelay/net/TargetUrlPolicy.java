package io.hookrelay.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether Hookrelay may send requests to a URL: a subscription's callback URL or a polled
 * resource URL.
 *
 * <p>Syntax rules always apply: absolute http or https, a host, no user-info, no fragment, a port
 * in 1..65535, at most {@link #MAX_URL_LENGTH} characters. Unless private targets are allowed,
 * the host must also be a public internet host: not a loopback, private, link-local, metadata or
 * other internal address, whether written as a literal or reached through DNS.
 *
 * <p>A check at subscription time does not stop a DNS name from later resolving somewhere else,
 * so senders should also test each address they connect to with {@link #isAllowedAddress}.
 */
public final class TargetUrlPolicy {

  public static final int MAX_URL_LENGTH = 2048;

  /** Longest piece of caller input quoted back in a rejection message. */
  private static final int MAX_ECHO = 100;

  /** Looks up every address of a host name; tests inject one to stay off the network. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** The parsed URL and whether its host was an IP literal (so there is nothing to resolve). */
  private record Target(URI uri, boolean literal) {}

  private final boolean allowPrivateTargets;
  private final Resolver resolver;

  public TargetUrlPolicy(boolean allowPrivateTargets) {
    this(allowPrivateTargets, InetAddress::getAllByName);
  }

  public TargetUrlPolicy(boolean allowPrivateTargets, Resolver resolver) {
    this.allowPrivateTargets = allowPrivateTargets;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  public boolean allowsPrivateTargets() {
    return allowPrivateTargets;
  }

  /**
   * Syntax and literal-address checks only, never touches DNS, so it is safe on an event loop.
   * Host names are checked against the reserved names (localhost, .local, metadata, ...) but not
   * resolved.
   *
   * @return the parsed URI
   */
  public URI checkSyntax(String url) throws TargetRejectedException {
    return inspect(url).uri();
  }

  /**
   * Full check: {@link #checkSyntax} plus, unless private targets are allowed, resolving a host
   * name and refusing it if it does not resolve or if any of its addresses is forbidden.
   *
   * <p>This blocks on DNS. Call it on a worker thread (for example via
   * {@code vertx.executeBlocking}), never on an event loop.
   *
   * @return the parsed URI
   */
  public URI check(String url) throws TargetRejectedException {
    Target target = inspect(url);
    if (!allowPrivateTargets && !target.literal()) {
      checkResolvedAddresses(target.uri().getHost());
    }
    return target.uri();
  }

  /**
   * For send time: may we connect to this concrete address? Checking the address actually dialled
   * closes the gap left by DNS answers that change after {@link #check}.
   */
  public boolean isAllowedAddress(InetAddress address) {
    if (address == null) {
      return false;
    }
    return allowPrivateTargets || AddressClassifier.forbiddenReason(address).isEmpty();
  }

  private Target inspect(String url) throws TargetRejectedException {
    if (url == null || url.isBlank()) {
      throw new TargetRejectedException("URL is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new TargetRejectedException("URL is longer than " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // getReason() leaves out the input, so the message cannot echo a huge URL.
      String where = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
      throw new TargetRejectedException("URL is not valid: " + e.getReason() + where);
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new TargetRejectedException("URL must be absolute, starting with http:// or https://");
    }
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      throw new TargetRejectedException(
          "URL scheme must be http or https, not '" + shown(scheme) + "'");
    }
    String authority = uri.getRawAuthority();
    if (uri.isOpaque() || authority == null) {
      throw new TargetRejectedException("URL has no host; expected http(s)://host/...");
    }
    // URI reports user-info only when it could parse the authority, so look for '@' as well.
    if (uri.getRawUserInfo() != null || authority.indexOf('@') >= 0) {
      throw new TargetRejectedException("URL must not contain user credentials (user:password@)");
    }
    if (uri.getRawFragment() != null) {
      throw new TargetRejectedException(
          "URL must not contain a fragment (#...); fragments are never sent to the server");
    }
    if (uri.getHost() == null) {
      throw unreadableAuthority(authority);
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new TargetRejectedException("URL port must be between 1 and 65535");
    }
    return new Target(uri, checkHost(uri.getHost()));
  }

  /** Checks the host by itself, without DNS; returns true when it is an IP literal. */
  private boolean checkHost(String host) throws TargetRejectedException {
    if (host.startsWith("[")) {
      InetAddress address = AddressClassifier.parseLiteralHost(host).orElseThrow(
          () -> new TargetRejectedException(
              "URL host " + quoted(host) + " is not a valid IPv6 address"));
      checkLiteral(host, address);
      return true;
    }
    if (AddressClassifier.endsInNumber(host)) {
      checkLiteral(host, dottedQuad(host));
      return true;
    }
    if (!allowPrivateTargets) {
      Optional<String> reason = reservedNameReason(host);
      if (reason.isPresent()) {
        throw TargetRejectedException.privateTarget("URL host " + quoted(host) + " is " + reason.get()
            + "; only public internet hosts are allowed");
      }
    }
    return false;
  }

  /**
   * Reads a numeric host and insists it is plain dotted-decimal. Shorthand such as 0x7f000001 or
   * 127.1 is refused in every mode: clients disagree on it (some read an address, some do a DNS
   * lookup that search domains may answer), so it could reach a different place than we checked.
   * When the address it stands for is forbidden anyway, that is the more useful thing to say.
   */
  private InetAddress dottedQuad(String host) throws TargetRejectedException {
    InetAddress address = AddressClassifier.parseLiteralHost(host).orElseThrow(
        () -> new TargetRejectedException(
            "URL host " + quoted(host) + " looks like an IPv4 address but is malformed"));
    if (host.equals(address.getHostAddress())) {
      return address;
    }
    Optional<String> reason = forbiddenReason(address);
    if (reason.isPresent()) {
      throw new TargetRejectedException("URL host " + quoted(host) + " means "
          + address.getHostAddress() + ", " + reason.get()
          + "; only public internet addresses are allowed");
    }
    throw new TargetRejectedException("URL host " + quoted(host) + " is a non-standard way of"
        + " writing " + address.getHostAddress()
        + "; write IPv4 addresses as four decimal numbers, like 93.184.216.34");
  }

  private void checkLiteral(String host, InetAddress address) throws TargetRejectedException {
    Optional<String> reason = forbiddenReason(address);
    if (reason.isEmpty()) {
      return;
    }
    // A bracketed ::ffff:a.b.c.d comes back from InetAddress as plain IPv4; name that address.
    boolean convertedFromIpv6 = address instanceof Inet4Address && host.startsWith("[");
    String what = convertedFromIpv6 ? address.getHostAddress() + ", " + reason.get() : reason.get();
    throw TargetRejectedException.privateTarget("URL host " + quoted(host) + " is " + what
        + "; only public internet addresses are allowed");
  }

  private void checkResolvedAddresses(String host) throws TargetRejectedException {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      addresses = null;
    }
    if (addresses == null || addresses.length == 0) {
      throw new TargetRejectedException("URL host " + quoted(host) + " does not resolve", true);
    }
    // Any one bad address is enough: the client may pick any of them, now or after a retry.
    for (InetAddress address : addresses) {
      Optional<String> reason = AddressClassifier.forbiddenReason(address);
      if (reason.isPresent()) {
        throw TargetRejectedException.privateTarget("URL host " + quoted(host) + " resolves to "
            + address.getHostAddress() + ", " + reason.get()
            + "; only public internet addresses are allowed");
      }
    }
  }

  /**
   * java.net.URI keeps an authority it cannot read as host[:port] without a host: inet_aton
   * shorthand like 127.1, out-of-range ports, underscores, percent-escapes. Explain which.
   */
  private TargetRejectedException unreadableAuthority(String authority) {
    int colon = authority.lastIndexOf(':');
    String host = colon >= 0 ? authority.substring(0, colon) : authority;
    String port = colon >= 0 ? authority.substring(colon + 1) : "";
    if (AddressClassifier.endsInNumber(host)) {
      try {
        dottedQuad(host);
      } catch (TargetRejectedException e) {
        return e;
      }
    }
    if (!port.isEmpty() && !isPortNumber(port)) {
      return new TargetRejectedException("URL port must be between 1 and 65535");
    }
    return new TargetRejectedException("URL host " + quoted(host) + " is not a valid host name");
  }

  private Optional<String> forbiddenReason(InetAddress address) {
    return allowPrivateTargets ? Optional.empty() : AddressClassifier.forbiddenReason(address);
  }

  /** Names that mean this machine or its private network, whatever DNS says about them. */
  private static Optional<String> reservedNameReason(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (inDomain(name, "localhost")) {
      return Optional.of("a localhost name");
    }
    if (name.equals("metadata.google.internal") || name.equals("metadata")
        || name.equals("instance-data")) {
      return Optional.of("a cloud metadata host name");
    }
    if (inDomain(name, "local")) {
      return Optional.of("a local-network (.local) name");
    }
    if (inDomain(name, "internal")) {
      return Optional.of("an internal (.internal) name");
    }
    return Optional.empty();
  }

  private static boolean inDomain(String name, String domain) {
    return name.equals(domain) || name.endsWith("." + domain);
  }

  private static boolean isPortNumber(String port) {
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    int value = Integer.parseInt(port);
    return value >= 1 && value <= 65535;
  }

  private static String quoted(String text) {
    return "'" + shown(text) + "'";
  }

  /** Caller input made safe to quote: short, and without control characters. */
  private static String shown(String text) {
    String cut = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
