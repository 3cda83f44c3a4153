package io.audiencelake.common.sample;

/**
 * A kind of device a sample person uses; web kinds carry cookies, apps a mobile ad id. How often each is drawn is
 * {@code generate.devices.kinds} ({@link io.audiencelake.common.config.GeneratorBehaviour#DEVICE_KINDS}, in this
 * order).
 */
enum DeviceKind {
    DESKTOP_WEB(false),
    MOBILE_WEB(false),
    TABLET_WEB(false),
    MOBILE_APP(true);

    final boolean app;

    DeviceKind(boolean app) {
        this.app = app;
    }
}
