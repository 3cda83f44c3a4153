package io.audiencelake.common.sample;

/** A kind of device a sample person uses; web kinds carry cookies, apps a mobile ad id. */
enum DeviceKind {
    DESKTOP_WEB(false, 0.40),
    MOBILE_WEB(false, 0.30),
    TABLET_WEB(false, 0.10),
    MOBILE_APP(true, 0.20);

    final boolean app;
    final double share;

    DeviceKind(boolean app, double share) {
        this.app = app;
        this.share = share;
    }

    static double[] shares() {
        DeviceKind[] all = values();
        double[] w = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            w[i] = all[i].share;
        }
        return w;
    }
}
