package dev.tokenstore.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * A store URL: {@code redis://host:port[/db]}, {@code rediss://…} (TLS), or for a cluster
 * {@code redis-cluster://host:port,host:port} / {@code rediss-cluster://…} (seed nodes). User and
 * password come from the URL or from the options; they are never shown by {@link #toString()}.
 */
record RedisUrl(boolean cluster, List<RedisURI> uris, String shown) {

    static boolean accepts(String url) {
        return url != null && (url.startsWith("redis://") || url.startsWith("rediss://")
                || url.startsWith("redis-cluster://") || url.startsWith("rediss-cluster://"));
    }

    static RedisUrl parse(String url, String user, String password) {
        if (!accepts(url)) {
            throw new IllegalArgumentException("url must start with redis://, rediss://, redis-cluster:// or "
                    + "rediss-cluster://");
        }
        boolean cluster = url.startsWith("redis-cluster://") || url.startsWith("rediss-cluster://");
        boolean tls = url.startsWith("rediss");
        String rest = url.substring(url.indexOf("://") + 3);
        List<RedisURI> uris = new ArrayList<>();
        if (cluster) {
            String userInfo = "";
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                userInfo = rest.substring(0, at + 1);
                rest = rest.substring(at + 1);
            }
            int slash = rest.indexOf('/');
            String hosts = slash >= 0 ? rest.substring(0, slash) : rest;
            for (String host : hosts.split(",")) {
                if (host.isBlank()) {
                    throw new IllegalArgumentException("url names an empty cluster node");
                }
                uris.add(withCredentials(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + host.trim()),
                        user, password));
            }
        } else {
            uris.add(withCredentials(RedisURI.create(url), user, password));
        }
        String shown = url.replaceAll("//[^@/]*@", "//***@");
        return new RedisUrl(cluster, List.copyOf(uris), shown);
    }

    private static RedisURI withCredentials(RedisURI uri, String user, String password) {
        if (password != null) {
            if (user != null) {
                uri.setAuthentication(user, password.toCharArray());
            } else {
                uri.setAuthentication(password.toCharArray());
            }
        }
        return uri;
    }

    @Override
    public String toString() {
        return shown;
    }
}
