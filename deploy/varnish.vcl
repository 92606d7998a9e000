# Varnish in front of Factually: a CDN tier on your own machines, purged by
# cache tag whenever the site retires pages (factually/frontendcache.py).
# Needs Varnish 7 and the xkey vmod (Debian: apt-get install varnish
# varnish-modules). Run it with, for example,
#   varnishd -a :80 -f /etc/factually/varnish.vcl -s malloc,1g
# and tell the app servers where it is: FRONTEND_CACHE=varnish:http://127.0.0.1:80
# (several Varnish servers: comma-separated addresses). See
# docs/operators/serving.md, "A CDN in front".
#
# What it does:
# - keeps only what the app marked public (Cache-Control: public), for the
#   response's s-maxage (max-age when there is none), and never a response
#   that sets a cookie or is private;
# - passes every request with a cookie or credentials (staff, sessions)
#   and every method but GET and HEAD to the app (Varnish's built-in rules);
# - indexes each object under the tags of its Cache-Tag header (xkey), and
#   answers PURGE from the app servers (the ACL below) by dropping every
#   object carrying a tag named in the xkey-purge header.

vcl 4.1;

import xkey;

# The app server (make serve), or nginx in front of several. With nginx
# between them, nginx must not answer Varnish from its own short cache
# (deploy/nginx.conf skips it for requests carrying X-Varnish).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers. List their addresses when they run on
# other machines.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the tags to purge in xkey-purge"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged + " objects"));
    }
    # Everything else follows Varnish's built-in vcl_recv: GET and HEAD
    # without Cookie or Authorization are looked up, the rest passed.
}

sub vcl_backend_response {
    if (beresp.http.Cache-Tag) {
        set beresp.http.xkey = regsuball(beresp.http.Cache-Tag, ",", " ");
    }
    # Varnish would keep a response without Cache-Control for its default
    # TTL; only the app says what may be shared, as its page cache does.
    if (beresp.http.Cache-Control !~ "(?i)(^|[ ,])public([ ,]|$)") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The TTL comes from s-maxage, else max-age (Varnish's own rule); the
    # built-in vcl_backend_response then refuses Set-Cookie, private and
    # no-store responses.
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
