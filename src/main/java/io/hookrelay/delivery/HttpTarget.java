package io.hookrelay.delivery;

import io.hookrelay.net.AddressClassifier;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook goes, read from its URL: the host as written (it names the server in the Host
 * header and in TLS), the port, whether to use TLS, and the request line's target.
 */
record HttpTarget(String host, int port, boolean ssl, String requestUri) {

    static HttpTarget of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HttpFailure("invalid URL: the scheme must be http or https");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new HttpFailure("invalid URL: no host");
        }
        boolean ssl = scheme.equals("https");
        int port = url.getPort() == -1 ? (ssl ? 443 : 80) : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String query = url.getRawQuery();
        return new HttpTarget(host, port, ssl, query == null ? path : path + "?" + query);
    }

    /** The address when the host is an IP literal (there is nothing to resolve), read as HTTP clients read it. */
    Optional<InetAddress> literal() {
        return AddressClassifier.parseLiteralHost(host);
    }
}
