package io.audiencelake.common.feeds;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The network prefix an IP is kept as: /24 for IPv4, /48 for IPv6. Parsed by hand so that an
 * invalid string is never handed to a resolver (InetAddress would look it up in DNS).
 */
public final class IpAddresses {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEXTET = Pattern.compile("[0-9a-fA-F]{1,4}");

    private IpAddresses() {}

    /** {@code 81.2.3.0/24} or {@code 2a02:c7c:1::/48}; null for anything that is not an IP address. */
    public static String prefix(String text) {
        if (text == null) {
            return null;
        }
        String ip = text.trim();
        var v4 = V4.matcher(ip);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
            return Integer.parseInt(v4.group(1)) + "." + Integer.parseInt(v4.group(2)) + "."
                    + Integer.parseInt(v4.group(3)) + ".0/24";
        }
        int[] groups = v6(ip);
        if (groups == null) {
            return null;
        }
        return String.format(Locale.ROOT, "%x:%x:%x::/48", groups[0], groups[1], groups[2]);
    }

    /** The eight 16-bit groups of an IPv6 address, expanding one {@code ::}; null if not IPv6. */
    static int[] v6(String ip) {
        if (!ip.contains(":") || ip.indexOf("::") != ip.lastIndexOf("::")) {
            return null;
        }
        String[] halves = ip.split("::", -1);
        String[] head = halves[0].isEmpty() ? new String[0] : halves[0].split(":", -1);
        String[] tail = halves.length == 2 && !halves[1].isEmpty() ? halves[1].split(":", -1) : new String[0];
        if (halves.length == 1 && head.length != 8 || head.length + tail.length > (halves.length == 2 ? 7 : 8)) {
            return null;
        }
        int[] out = new int[8];
        for (int i = 0; i < head.length; i++) {
            if (!HEXTET.matcher(head[i]).matches()) {
                return null;
            }
            out[i] = Integer.parseInt(head[i], 16);
        }
        for (int i = 0; i < tail.length; i++) {
            if (!HEXTET.matcher(tail[i]).matches()) {
                return null;
            }
            out[8 - tail.length + i] = Integer.parseInt(tail[i], 16);
        }
        return out;
    }
}
