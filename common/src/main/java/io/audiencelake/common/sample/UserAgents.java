package io.audiencelake.common.sample;

/** Realistic user-agent strings per device kind and platform. */
final class UserAgents {
    private UserAgents() {}

    /**
     * A desktop browser: a Mac's Safari when {@code mac} is true, one of three Windows browsers when false, any of
     * the four when null.
     */
    static String desktop(Boolean mac, Rng rng) {
        return desktop(mac, rng.between(118, 131), rng.between(0, 6), rng);
    }

    private static String desktop(Boolean mac, int chrome, int minor, Rng rng) {
        int browser = mac == null ? rng.below(4) : mac ? 1 : new int[] {0, 2, 3}[rng.below(3)];
        return switch (browser) {
            case 0 ->
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome
                        + ".0.0.0 Safari/537.36";
            case 1 ->
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17."
                        + minor + " Safari/605.1.15";
            case 2 ->
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:" + (chrome - 5) + ".0) Gecko/20100101 Firefox/"
                        + (chrome - 5) + ".0";
            default ->
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome
                        + ".0.0.0 Safari/537.36 Edg/" + chrome + ".0.0.0";
        };
    }

    static String of(DeviceKind kind, boolean ios, Rng rng) {
        int chrome = rng.between(118, 131);
        int minor = rng.between(0, 6);
        return switch (kind) {
            case DESKTOP_WEB -> desktop(null, chrome, minor, rng);
            case MOBILE_WEB ->
                ios
                        ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_" + minor
                                + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + minor
                                + " Mobile/15E148 Safari/604.1"
                        : rng.chance(0.5)
                                ? "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                                        + chrome + ".0.0.0 Mobile Safari/537.36"
                                : "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/"
                                        + chrome + ".0.0.0 Mobile Safari/537.36";
            case TABLET_WEB ->
                ios
                        ? "Mozilla/5.0 (iPad; CPU OS 17_" + minor
                                + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + minor
                                + " Mobile/15E148 Safari/604.1"
                        : "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                                + chrome + ".0.0.0 Safari/537.36";
            case MOBILE_APP ->
                ios
                        ? "ShopApp/5." + minor + " (iPhone; iOS 17." + minor + "; Scale/3.00)"
                        : "ShopApp/5." + minor + " (Linux; Android 14; Pixel 8)";
        };
    }
}
