package io.audiencelake.common.sample;

import java.time.LocalDate;

/**
 * One device of a sample person. Browser cookies expire and are replaced (Safari after about a
 * week, others after one to three months), so the same device shows up under several cookies.
 *
 * @param maid the mobile ad id of an app device, upper-case for iOS, lower-case for Android; null on web
 */
record Device(
        long seed,
        long person,
        int slot,
        DeviceKind kind,
        boolean ios,
        String userAgent,
        String maid,
        int cookieLifetimeDays,
        int cookieOffset,
        double activity) {

    /** The cookie this device carries on {@code date}; null for app devices. */
    String cookieOn(LocalDate date) {
        if (kind.app) {
            return null;
        }
        long generation = Math.floorDiv(date.toEpochDay() + cookieOffset, cookieLifetimeDays);
        return Rng.of(seed, person, slot, generation, 0xC00C1EL).uuid().replace("-", "");
    }

    /** The identifier that events from this device carry on {@code date}. */
    String idOn(LocalDate date) {
        return kind.app ? maid : cookieOn(date);
    }
}
