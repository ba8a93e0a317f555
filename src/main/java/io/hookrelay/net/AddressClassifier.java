package io.hookrelay.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Knows which IP addresses a webhook must never reach, and reads IP literals the way HTTP clients
 * do. Nothing here touches DNS.
 */
public final class AddressClassifier {

  private AddressClassifier() {}

  private record Range(byte[] network, int prefixLength, String reason) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefixLength / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int restBits = prefixLength % 8;
      if (restBits == 0) {
        return true;
      }
      int mask = 0xff << (8 - restBits) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  // First match wins, so the specific entries sit above the ranges that contain them.
  private static final List<Range> IPV4_RANGES = List.of(
      range("0.0.0.0/8", "an unspecified address"),
      range("10.0.0.0/8", "a private address"),
      range("100.64.0.0/10", "a carrier-grade NAT address"),
      range("127.0.0.0/8", "a loopback address"),
      range("169.254.169.254/32", "a cloud metadata address"),
      range("169.254.0.0/16", "a link-local address"),
      range("172.16.0.0/12", "a private address"),
      range("192.0.0.0/24", "a reserved IETF protocol address"),
      range("192.0.2.0/24", "a documentation address"),
      range("192.168.0.0/16", "a private address"),
      range("198.18.0.0/15", "a benchmarking address"),
      range("198.51.100.0/24", "a documentation address"),
      range("203.0.113.0/24", "a documentation address"),
      // Azure's WireServer: a public-looking address that every Azure VM can reach and that
      // hands out platform configuration, just like the metadata service.
      range("168.63.129.16/32", "a cloud metadata address"),
      range("224.0.0.0/4", "a multicast address"),
      range("255.255.255.255/32", "the broadcast address"),
      range("240.0.0.0/4", "a reserved address"));

  // Forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged before this
  // table, by the IPv4 address they carry.
  private static final List<Range> IPV6_RANGES = List.of(
      range("fd00:ec2::254/128", "a cloud metadata address"),
      range("fc00::/7", "a unique-local address"),
      range("fe80::/10", "a link-local address"),
      range("fec0::/10", "a site-local address"),
      range("ff00::/8", "a multicast address"),
      range("100::/64", "a discard-only address"),
      range("64:ff9b:1::/48", "a local-use NAT64 address"),
      range("2001:db8::/32", "a documentation address"),
      range("3fff::/20", "a documentation address"),
      range("2001:2::/48", "a benchmarking address"),
      // Teredo hides the client's IPv4 address inside; no real webhook receiver lives here.
      range("2001::/32", "a Teredo tunnelling address"));

  private static final byte[] NAT64_PREFIX = {
      0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

  /**
   * Why a webhook must not be sent to this address, e.g. {@code "a loopback address"}; empty when
   * the address is an ordinary public one.
   */
  public static Optional<String> forbiddenReason(InetAddress address) {
    Objects.requireNonNull(address, "address");
    byte[] bytes = address.getAddress();
    return bytes.length == 4 ? firstMatch(IPV4_RANGES, bytes) : forbiddenIpv6(bytes);
  }

  /**
   * Reads a URL host that is an IP literal: a bracketed (or bare) IPv6 address, or an IPv4
   * address in any form inet_aton accepts (1 to 4 dot-separated parts, each decimal, 0x-hex or
   * 0-octal, the last part filling the remaining bytes, one trailing dot allowed). Empty when the
   * host is not such a literal, including malformed ones like {@code 1.2.3.256}.
   */
  public static Optional<InetAddress> parseLiteralHost(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.empty();
    }
    if (host.startsWith("[")) {
      return host.endsWith("]")
          ? parseIpv6(host.substring(1, host.length() - 1))
          : Optional.empty();
    }
    return host.indexOf(':') >= 0 ? parseIpv6(host) : parseIpv4(host);
  }

  /**
   * Whether an HTTP client would take this host for an IPv4 address (the WHATWG URL "ends in a
   * number" test): its last label is decimal digits or 0x-hex. Such a host is an address or it is
   * malformed; it is never a DNS name.
   */
  static boolean endsInNumber(String host) {
    String text = withoutTrailingDot(host);
    String last = text.substring(text.lastIndexOf('.') + 1);
    if (last.isEmpty()) {
      return false;
    }
    if (last.startsWith("0x") || last.startsWith("0X")) {
      return allDigits(last.substring(2), 16);
    }
    return allDigits(last, 10);
  }

  private static Optional<String> forbiddenIpv6(byte[] b) {
    if (isZero(b, 0, 16)) {
      return Optional.of("an unspecified address");
    }
    if (isZero(b, 0, 15) && b[15] == 1) {
      return Optional.of("a loopback address");
    }
    // Traffic to these forms ends up at the IPv4 address inside, so that address decides.
    String kind = null;
    int offset = 12;
    if (isZero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
      kind = "an IPv4-mapped address";
    } else if (isZero(b, 0, 12)) {
      kind = "an IPv4-compatible address";
    } else if (Arrays.equals(b, 0, 12, NAT64_PREFIX, 0, 12)) {
      kind = "a NAT64 address";
    } else if (b[0] == 0x20 && b[1] == 0x02) {
      kind = "a 6to4 address";
      offset = 2;
    }
    if (kind != null) {
      byte[] ipv4 = Arrays.copyOfRange(b, offset, offset + 4);
      String prefix = kind + " for " + ipv4Text(ipv4) + ", ";
      return firstMatch(IPV4_RANGES, ipv4).map(reason -> prefix + reason);
    }
    return firstMatch(IPV6_RANGES, b);
  }

  private static Optional<String> firstMatch(List<Range> ranges, byte[] address) {
    return ranges.stream().filter(r -> r.contains(address)).map(Range::reason).findFirst();
  }

  private static Optional<InetAddress> parseIpv6(String text) {
    // Checking the characters first guarantees InetAddress sees a literal and never asks DNS;
    // it also refuses zone IDs (fe80::1%eth0), which have no meaning for a remote target.
    boolean literalChars = text.chars()
        .allMatch(c -> c == ':' || c == '.' || (c < 0x80 && Character.digit(c, 16) >= 0));
    if (text.indexOf(':') < 0 || !literalChars) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName("[" + text + "]"));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static Optional<InetAddress> parseIpv4(String host) {
    String[] parts = withoutTrailingDot(host).split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    long address = 0;
    for (int i = 0; i < parts.length; i++) {
      long value = parseIpv4Part(parts[i]);
      boolean last = i == parts.length - 1;
      // inet_aton: each leading part is one byte, the last part fills all the bytes left.
      long limit = last ? 1L << (8 * (4 - i)) : 256;
      if (value < 0 || value >= limit) {
        return Optional.empty();
      }
      address = last ? address << (8 * (4 - i)) | value : address << 8 | value;
    }
    byte[] bytes = {
        (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte array is always a valid address", e);
    }
  }

  /** One inet_aton part, or -1 if it is not a number. Values past 32 bits also give -1. */
  private static long parseIpv4Part(String part) {
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x") || part.startsWith("0X")) {
      radix = 16;
      digits = part.substring(2);
      if (digits.isEmpty()) {
        return 0; // inet_aton and the WHATWG URL parser both read a bare "0x" as zero
      }
    } else if (part.length() > 1 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty() || !allDigits(digits, radix)) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      value = value * radix + Character.digit(digits.charAt(i), radix);
      if (value > 0xffff_ffffL) {
        return -1;
      }
    }
    return value;
  }

  private static boolean allDigits(String s, int radix) {
    // Character.digit also accepts non-ASCII digits, which no address parser would.
    return s.chars().allMatch(c -> c < 0x80 && Character.digit(c, radix) >= 0);
  }

  private static String withoutTrailingDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String ipv4Text(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  private static Range range(String cidr, String reason) {
    int slash = cidr.indexOf('/');
    String network = cidr.substring(0, slash);
    InetAddress address = parseLiteralHost(network)
        .orElseThrow(() -> new IllegalArgumentException("bad range " + cidr));
    return new Range(address.getAddress(), Integer.parseInt(cidr.substring(slash + 1)), reason);
  }
}
