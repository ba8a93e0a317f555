package io.hookrelay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetUrlPolicyTest {

  /** For paths that must not resolve anything: fails the test if DNS is consulted. */
  private static final TargetUrlPolicy.Resolver NO_DNS = host -> {
    throw new AssertionError("unexpected DNS lookup of " + host);
  };

  private final TargetUrlPolicy strict = new TargetUrlPolicy(false, NO_DNS);
  private final TargetUrlPolicy lenient = new TargetUrlPolicy(true, NO_DNS);

  private static InetAddress ip(String literal) {
    return AddressClassifier.parseLiteralHost(literal).orElseThrow();
  }

  /** A resolver answering from a fixed table; names not in it do not resolve. */
  private static TargetUrlPolicy.Resolver dns(Map<String, List<InetAddress>> answers) {
    return host -> {
      List<InetAddress> found = answers.get(host);
      if (found == null) {
        throw new UnknownHostException(host);
      }
      return found.toArray(new InetAddress[0]);
    };
  }

  private static String message(TargetUrlPolicy policy, String url) {
    return assertThrows(TargetRejectedException.class, () -> policy.check(url)).getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // the odd IPv4 spellings of loopback, and friends
      "http://0x7f000001/", "http://2130706433/", "http://017700000001/", "http://127.1/",
      "http://0x7f.1/", "http://0177.0.0.1/", "http://0x7F.0x0.0x0.0x1/",
      "http://127.000.000.001/", "http://127.0.0.1./", "http://0/", "http://10.1/",
      "http://192.168.257/", "http://3232235777/", "http://0xa9fea9fe/",
      // IPv6 loopback and IPv4 hidden inside IPv6
      "http://[::1]/", "http://[::1]:8080/x", "http://[0:0:0:0:0:0:0:1]/",
      "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/",
      "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://[2002:7f00:1::]/",
      "http://[2002:a9fe:a9fe::1]/",
      // each forbidden range, written plainly
      "http://127.0.0.1/", "https://127.255.255.254:8443/", "http://0.0.0.0/", "http://[::]/",
      "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
      "http://100.64.0.1/", "http://169.254.1.1/", "http://[fe80::1]/", "http://[fc00::1]/",
      "http://[fd12:3456::1]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/",
      "http://255.255.255.255/", "http://198.18.0.1/", "http://192.0.2.1/",
      // cloud metadata
      "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
      "http://metadata.google.internal/computeMetadata/v1/", "http://metadata.google.internal./",
      "http://metadata/", "http://instance-data/", "http://INSTANCE-DATA./",
      // reserved names
      "http://localhost/", "http://LocalHost/", "http://localhost./", "http://localhost:8080/",
      "http://foo.localhost/", "http://a.b.localhost./", "http://printer.local/",
      "http://printer.local./", "http://db.internal/", "http://db.INTERNAL./"})
  void refusesHostileTargets(String url) {
    assertThrows(TargetRejectedException.class, () -> strict.checkSyntax(url));
    assertThrows(TargetRejectedException.class, () -> strict.check(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://93.184.216.34/", "https://93.184.216.34:8443/hook?x=1", "http://8.8.8.8:1/",
      "http://1.1.1.1:65535/", "http://[2606:4700::1]/", "HTTPS://[2606:4700::1]:443/hook",
      "Http://[2a00:1450:4001::200e]/", "http://[::ffff:93.184.216.34]/",
      "http://[64:ff9b::5db8:d822]/", "http://172.32.0.1/", "http://100.128.0.1/"})
  void allowsPublicLiteralsWithoutDns(String url) throws TargetRejectedException {
    assertEquals(URI.create(url), strict.check(url));
    assertEquals(URI.create(url), strict.checkSyntax(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://1.2.3.4.5/", "http://256.1.1.1/", "http://1.2.3.256/", "http://08.1.2.3/",
      "http://0x100000000/", "http://4294967296/", "http://example.123/", "http://a.0x1g2/",
      "http://1.2.3.4..5/"})
  void refusesMalformedNumericHosts(String url) {
    String message = assertThrows(TargetRejectedException.class, () -> lenient.check(url))
        .getMessage();
    assertTrue(message.contains("malformed") || message.contains("not a valid host name"),
        message);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)",
      "mailto:ops@example.com", "/relative/path", "example.com/hook", "//example.com/hook", "",
      "   ", "http:example.com", "http:///path", "http://", "http://user:pw@example.com/",
      "http://user@example.com/", "http://@example.com/", "http://user:pw@127.1/",
      "http://example.com:0/", "http://example.com:65536/", "http://example.com:99999999999/",
      "http://example.com:-1/", "http://example.com/#frag", "http://example.com/#",
      "http://exa mple.com/", "http://example.com/a b", " http://example.com/",
      "http://my_host.example.com/", "http://%6c%6f%63%61%6c%68%6f%73%74/", "http://[::1/",
      "http://[1:2:3]/", "http://[fe80::1%25eth0]/", "http://a..b/", "http://-a.example/",
      "http://example.com\\@127.0.0.1/"})
  void refusesBadSyntaxEvenWhenPrivateTargetsAreAllowed(String url) {
    assertThrows(TargetRejectedException.class, () -> lenient.check(url));
    assertThrows(TargetRejectedException.class, () -> strict.check(url));
  }

  @Test
  void refusesNull() {
    assertEquals("URL is required", message(strict, null));
  }

  @Test
  void limitsLength() throws TargetRejectedException {
    String prefix = "http://93.184.216.34/";
    String longest = prefix + "a".repeat(TargetUrlPolicy.MAX_URL_LENGTH - prefix.length());
    assertEquals(2048, longest.length());
    assertEquals(URI.create(longest), strict.check(longest));

    String tooLong = longest + "a";
    assertEquals("URL is longer than 2048 characters", message(strict, tooLong));
    assertEquals("URL is longer than 2048 characters", message(lenient, tooLong));
  }

  @Test
  void explainsEachSyntaxRule() {
    assertTrue(message(lenient, "ftp://x").contains("scheme must be http or https"));
    assertTrue(message(lenient, "ftp://x").contains("'ftp'"));
    assertTrue(message(lenient, "/hook").contains("absolute"));
    assertTrue(message(lenient, "http://u:p@example.com/").contains("user credentials"));
    assertTrue(message(lenient, "http://example.com/#x").contains("fragment"));
    assertTrue(message(lenient, "http://example.com:0/").contains("port"));
    assertTrue(message(lenient, "http://example.com:99999999999/").contains("port"));
    assertTrue(message(lenient, "http:///x").contains("no host"));
    assertTrue(message(lenient, "http://exa mple.com/").startsWith("URL is not valid: "));
    assertTrue(message(lenient, "http://my_host.example.com/").contains("not a valid host name"));
  }

  @Test
  void saysWhatAnOddlyWrittenAddressMeans() {
    assertEquals("URL host '0x7f000001' means 127.0.0.1, a loopback address;"
        + " only public internet addresses are allowed", message(strict, "http://0x7f000001/"));
    assertEquals("URL host '127.1' means 127.0.0.1, a loopback address;"
        + " only public internet addresses are allowed", message(strict, "http://127.1/"));
    assertEquals("URL host '[::ffff:127.0.0.1]' is 127.0.0.1, a loopback address;"
        + " only public internet addresses are allowed",
        message(strict, "http://[::ffff:127.0.0.1]/"));
    assertEquals("URL host '[::1]' is a loopback address;"
        + " only public internet addresses are allowed", message(strict, "http://[::1]/"));
    assertEquals("URL host 'localhost.' is a localhost name; only public internet hosts are"
        + " allowed", message(strict, "http://localhost./"));
    assertTrue(message(strict, "http://metadata.google.internal/").contains("cloud metadata"));
    assertTrue(message(strict, "http://169.254.169.254/").contains("cloud metadata"));
  }

  @Test
  void refusesShorthandForPublicAddressesToo() {
    // Clients disagree on what these mean, so they are refused even though they read as public.
    for (TargetUrlPolicy policy : List.of(strict, lenient)) {
      assertEquals("URL host '0x5db8d822' is a non-standard way of writing 93.184.216.34;"
          + " write IPv4 addresses as four decimal numbers, like 93.184.216.34",
          message(policy, "http://0x5db8d822/"));
      assertTrue(message(policy, "http://93.184.216.34.:8080/").contains("non-standard"));
      assertTrue(message(policy, "http://0135.184.216.34/").contains("non-standard"));
    }
  }

  @Test
  void neverQuotesMoreThanAHundredCharactersOfTheUrl() {
    String label = "a".repeat(60);
    String host = String.join(".", List.of(label, label, label, label, label)) + ".localhost";
    String hostMessage = message(strict, "http://" + host + "/");
    assertTrue(hostMessage.length() < 200, hostMessage);
    assertFalse(hostMessage.contains("a".repeat(101)), hostMessage);

    String scheme = "x".repeat(500);
    String schemeMessage = message(strict, scheme + "://example.com/");
    assertTrue(schemeMessage.length() < 200, schemeMessage);

    String path = "http://example.com/" + "%zz".repeat(300);
    assertTrue(message(strict, path).length() < 200);
  }

  @Test
  void resolvesNamesAndAllowsPublicAnswers() throws Exception {
    List<String> asked = new ArrayList<>();
    TargetUrlPolicy.Resolver table = dns(Map.of(
        "hooks.example.com", List.of(ip("93.184.216.34"), ip("[2606:4700::1]"))));
    TargetUrlPolicy policy = new TargetUrlPolicy(false, host -> {
      asked.add(host);
      return table.resolve(host);
    });
    assertEquals(URI.create("https://hooks.example.com/in?x=1"),
        policy.check("https://hooks.example.com/in?x=1"));
    assertEquals(List.of("hooks.example.com"), asked);
  }

  @Test
  void refusesNamesThatResolveToForbiddenAddresses() throws UnknownHostException {
    byte[] mappedLoopback = new byte[16];
    mappedLoopback[10] = (byte) 0xff;
    mappedLoopback[11] = (byte) 0xff;
    mappedLoopback[12] = 127;
    mappedLoopback[15] = 1;
    TargetUrlPolicy policy = new TargetUrlPolicy(false, dns(Map.of(
        "internal.example.com", List.of(ip("10.0.0.5")),
        "mixed.example.com", List.of(ip("93.184.216.34"), ip("127.0.0.1")),
        "v6.example.com", List.of(ip("[2606:4700::1]"), ip("[fd12::7]")),
        "mapped.example.com", List.of(Inet6Address.getByAddress(null, mappedLoopback, -1)),
        "rebind.example.com", List.of(ip("169.254.169.254")))));

    assertEquals("URL host 'internal.example.com' resolves to 10.0.0.5, a private address;"
        + " only public internet addresses are allowed",
        message(policy, "http://internal.example.com/"));
    assertTrue(message(policy, "http://mixed.example.com/").contains("127.0.0.1, a loopback"));
    assertTrue(message(policy, "http://v6.example.com/").contains("a unique-local address"));
    assertTrue(message(policy, "http://mapped.example.com/").contains("IPv4-mapped"));
    assertTrue(message(policy, "http://rebind.example.com/").contains("cloud metadata"));

    // The syntax check alone does not resolve, so it cannot see any of this.
    assertDoesNotThrow(() -> policy.checkSyntax("http://internal.example.com/"));
  }

  @Test
  void refusesNamesThatDoNotResolve() {
    TargetUrlPolicy policy = new TargetUrlPolicy(false, dns(Map.of()));
    assertEquals("URL host 'nowhere.example' does not resolve",
        message(policy, "http://nowhere.example/"));
    TargetUrlPolicy empty = new TargetUrlPolicy(false, host -> new InetAddress[0]);
    assertTrue(message(empty, "http://nowhere.example/").contains("does not resolve"));
    TargetRejectedException unresolved = assertThrows(TargetRejectedException.class,
        () -> policy.check("http://nowhere.example/"));
    assertTrue(unresolved.unresolved(), "callers may accept a name that does not resolve yet");
    TargetRejectedException loopback = assertThrows(TargetRejectedException.class,
        () -> policy.check("http://127.0.0.1/"));
    assertFalse(loopback.unresolved());
  }

  @Test
  void marksRefusalsThatAllowingPrivateTargetsWouldLift() {
    TargetUrlPolicy policy = new TargetUrlPolicy(false, dns(Map.of("intranet.example", List.of(ip("10.1.2.3")))));
    for (String url : List.of("http://127.0.0.1/", "http://[::1]/", "http://localhost/", "http://printer.local/",
        "http://169.254.169.254/", "http://intranet.example/")) {
      assertTrue(assertThrows(TargetRejectedException.class, () -> policy.check(url)).privateTarget(), url);
    }
    // Refused whatever the operator allows: a hint about private targets would mislead.
    for (String url : List.of("ftp://93.184.216.34/", "http://127.1/", "http://user@93.184.216.34/")) {
      assertFalse(assertThrows(TargetRejectedException.class, () -> policy.check(url)).privateTarget(), url);
    }
  }

  @Test
  void reservedNamesAreRefusedBeforeAnyLookup() {
    // NO_DNS would fail the test if these reached the resolver.
    assertTrue(message(strict, "http://db.internal/").contains("(.internal)"));
    assertTrue(message(strict, "http://printer.local/").contains("(.local)"));
  }

  @Test
  void checkSyntaxNeverResolves() throws TargetRejectedException {
    assertEquals(URI.create("https://hooks.example.com/x"),
        strict.checkSyntax("https://hooks.example.com/x"));
  }

  @Test
  void allowingPrivateTargetsKeepsOnlyTheSyntaxRules() throws TargetRejectedException {
    assertTrue(lenient.allowsPrivateTargets());
    assertFalse(strict.allowsPrivateTargets());
    for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/x",
        "http://localhost.:9000/", "http://10.0.0.1/", "http://[::1]:9000/",
        "http://169.254.169.254/", "http://metadata.google.internal/",
        "http://does-not-resolve.invalid/", "http://printer.local/")) {
      assertEquals(URI.create(url), lenient.check(url), url);
    }
    assertThrows(TargetRejectedException.class, () -> lenient.check("ftp://x"));
    assertThrows(TargetRejectedException.class,
        () -> lenient.check("http://user:pw@localhost/"));
    assertThrows(TargetRejectedException.class,
        () -> lenient.check("http://localhost/" + "a".repeat(2049)));
  }

  @Test
  void defaultConstructorResolvesWithInetAddress() throws TargetRejectedException {
    // Literal hosts never reach the resolver, so this stays off the network.
    TargetUrlPolicy policy = new TargetUrlPolicy(false);
    assertFalse(policy.allowsPrivateTargets());
    assertEquals(URI.create("http://93.184.216.34/"), policy.check("http://93.184.216.34/"));
    assertThrows(TargetRejectedException.class, () -> policy.check("http://127.0.0.1/"));
  }

  @Test
  void judgesConcreteAddressesAtSendTime() {
    assertTrue(strict.isAllowedAddress(ip("93.184.216.34")));
    assertTrue(strict.isAllowedAddress(ip("[2606:4700::1]")));
    assertFalse(strict.isAllowedAddress(ip("127.0.0.1")));
    assertFalse(strict.isAllowedAddress(ip("[::1]")));
    assertFalse(strict.isAllowedAddress(ip("169.254.169.254")));
    assertFalse(strict.isAllowedAddress(ip("[fe80::1]")));
    assertFalse(strict.isAllowedAddress(null));
    assertTrue(lenient.isAllowedAddress(ip("127.0.0.1")));
    assertTrue(lenient.isAllowedAddress(ip("[fd00:ec2::254]")));
    assertFalse(lenient.isAllowedAddress(null));
  }

  @Test
  void exceptionCarriesNoStackTrace() {
    TargetRejectedException e = new TargetRejectedException("nope");
    assertEquals("nope", e.getMessage());
    assertArrayEquals(new StackTraceElement[0], e.getStackTrace());
  }
}
