package io.hookrelay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressClassifierTest {

  /** Parses a literal without any chance of a DNS lookup. */
  private static InetAddress literal(String text) {
    return AddressClassifier.parseLiteralHost(text).orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({
      "0x7f000001,    127.0.0.1",
      "0X7F000001,    127.0.0.1",
      "2130706433,    127.0.0.1",
      "017700000001,  127.0.0.1",
      "127.1,         127.0.0.1",
      "0x7f.1,        127.0.0.1",
      "0177.0.0.1,    127.0.0.1",
      "0x7f.0x0.0x0.0x1, 127.0.0.1",
      "127.000.000.001, 127.0.0.1",
      "127.0.0.1.,    127.0.0.1",
      "10.1,          10.0.0.1",
      "192.168.257,   192.168.1.1",
      "0300.0250.1.1, 192.168.1.1",
      "3232235777,    192.168.1.1",
      "0,             0.0.0.0",
      "0x,            0.0.0.0",
      "4294967295,    255.255.255.255",
      "93.184.216.34, 93.184.216.34",
  })
  void readsEveryInetAtonForm(String host, String expected) {
    assertEquals(expected, literal(host).getHostAddress());
  }

  @Test
  void readsIpv6Literals() {
    assertEquals("0:0:0:0:0:0:0:1", literal("[::1]").getHostAddress());
    assertEquals("2606:4700:0:0:0:0:0:1", literal("[2606:4700::1]").getHostAddress());
    assertEquals("2606:4700:0:0:0:0:0:1", literal("2606:4700::1").getHostAddress());
    assertEquals("127.0.0.1", literal("[::ffff:127.0.0.1]").getHostAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.65536", "1.16777216", "4294967296",
      "0x100000000", "08", "09.1.1.1", "0x1g", "1..2", ".1.2.3", "1.2.3.4..", "-1", "1.2.3.-4",
      " 1.2.3.4", "1.2.3.4 ", "example.com", "localhost", "[::1", "::1]", "[fe80::1%eth0]",
      "[g::1]", "[1.2.3.4]", "[]", "[:::]", "1:2", "\u0661.1.1.1"})
  void refusesWhatIsNotALiteral(String host) {
    assertEquals(Optional.empty(), AddressClassifier.parseLiteralHost(host));
  }

  @Test
  void nullIsNotALiteral() {
    assertEquals(Optional.empty(), AddressClassifier.parseLiteralHost(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.1", "0x7f000001", "2130706433", "1.2.3.4.5", "example.123",
      "example.0x1f", "127.0.0.1.", "0x", "1.2.3.08"})
  void numericLastLabelMeansAddress(String host) {
    assertTrue(AddressClassifier.endsInNumber(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "face.cafe", "123.example", "1e100.net", "0xg", "x1",
      "cafe", "localhost.", "."})
  void otherHostsAreNames(String host) {
    assertFalse(AddressClassifier.endsInNumber(host));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.0.0.0            | an unspecified address",
      "0.255.1.2          | an unspecified address",
      "10.0.0.1           | a private address",
      "10.255.255.255     | a private address",
      "100.64.0.1         | a carrier-grade NAT address",
      "100.127.255.255    | a carrier-grade NAT address",
      "127.0.0.1          | a loopback address",
      "127.255.255.254    | a loopback address",
      "169.254.169.254    | a cloud metadata address",
      "168.63.129.16      | a cloud metadata address",
      "169.254.1.1        | a link-local address",
      "172.16.0.1         | a private address",
      "172.31.255.255     | a private address",
      "192.0.0.8          | a reserved IETF protocol address",
      "192.0.2.1          | a documentation address",
      "198.51.100.7       | a documentation address",
      "203.0.113.9        | a documentation address",
      "192.168.0.1        | a private address",
      "198.18.0.1         | a benchmarking address",
      "198.19.255.255     | a benchmarking address",
      "224.0.0.1          | a multicast address",
      "239.255.255.250    | a multicast address",
      "240.0.0.1          | a reserved address",
      "255.255.255.255    | the broadcast address",
      "[::]               | an unspecified address",
      "[::1]              | a loopback address",
      "[fe80::1]          | a link-local address",
      "[febf:ffff::1]     | a link-local address",
      "[fec0::1]          | a site-local address",
      "[fc00::1]          | a unique-local address",
      "[fdff:ffff::1]     | a unique-local address",
      "[fd00:ec2::254]    | a cloud metadata address",
      "[ff02::1]          | a multicast address",
      "[100::1]           | a discard-only address",
      "[2001:db8::1]      | a documentation address",
      "[2001:2::1]        | a benchmarking address",
      "[2001:0:4136:e378::1] | a Teredo tunnelling address",
      "[64:ff9b:1::1]     | a local-use NAT64 address",
      "[::ffff:10.0.0.1]  | a private address",
      "[::127.0.0.1]      | an IPv4-compatible address for 127.0.0.1, a loopback address",
      "[::0.0.0.2]        | an IPv4-compatible address for 0.0.0.2, an unspecified address",
      "[64:ff9b::a9fe:a9fe] | a NAT64 address for 169.254.169.254, a cloud metadata address",
      "[2002:c0a8:101::1] | a 6to4 address for 192.168.1.1, a private address",
      "[2002:7f00:1::]    | a 6to4 address for 127.0.0.1, a loopback address",
  })
  void namesWhyAnAddressIsForbidden(String address, String reason) {
    assertEquals(Optional.of(reason), AddressClassifier.forbiddenReason(literal(address)));
  }

  @Test
  void judgesIpv4MappedInet6AddressByTheEmbeddedAddress() throws UnknownHostException {
    // InetAddress.getByName turns ::ffff:a.b.c.d into Inet4Address; a resolver or a raw socket
    // API can still hand us the Inet6Address form.
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = 127;
    bytes[15] = 1;
    Inet6Address mapped = Inet6Address.getByAddress(null, bytes, -1);
    assertEquals(Optional.of("an IPv4-mapped address for 127.0.0.1, a loopback address"),
        AddressClassifier.forbiddenReason(mapped));

    bytes[12] = 93;
    bytes[13] = (byte) 184;
    bytes[14] = (byte) 216;
    bytes[15] = 34;
    assertEquals(Optional.empty(),
        AddressClassifier.forbiddenReason(Inet6Address.getByAddress(null, bytes, -1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "93.184.216.34", "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
      "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0",
      "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
      "198.20.0.0", "223.255.255.255", "[2606:4700::1]", "[2a00:1450:4001::200e]",
      "[2001:4860:4860::8888]", "[::ffff:93.184.216.34]", "[64:ff9b::808:808]",
      "[2002:5db8:d822::1]", "[fbff:ffff::1]", "[fe7f::1]"})
  void allowsPublicAddresses(String address) {
    assertEquals(Optional.empty(), AddressClassifier.forbiddenReason(literal(address)));
  }
}
