package io.hookrelay.db;

import io.hookrelay.config.ConfigException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code postgresql://user:pass@host:port/db?sslmode=...} URL, taken apart once so that both the
 * reactive client and Flyway's JDBC connection use the same server and credentials.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {

    public static DatabaseUrl parse(String raw) {
        URI uri;
        try {
            uri = URI.create(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HOOKRELAY_DATABASE_URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new ConfigException("HOOKRELAY_DATABASE_URL must start with postgresql://");
        }
        if (uri.getHost() == null) {
            throw new ConfigException("HOOKRELAY_DATABASE_URL names no host");
        }
        String user = "postgres";
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                path.isEmpty() ? user : decode(path), user, password, Map.copyOf(parameters));
    }

    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/').append(database);
        String sslmode = parameters.get("sslmode");
        if (sslmode != null) {
            url.append("?sslmode=").append(sslmode);
        }
        return url.toString();
    }

    public DatabaseUrl withDatabase(String otherDatabase) {
        return new DatabaseUrl(host, port, otherDatabase, user, password, parameters);
    }

    public String toUrl() {
        String auth = user + (password == null ? "" : ":" + password);
        return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
    }

    /** For logs: never the password. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
