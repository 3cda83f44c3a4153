package io.audiencelake.common.sample;

import java.time.LocalDate;

/**
 * One device of a sample person. Browser cookies expire and are replaced (Safari after about a
 * week, others after one to three months) or are cleared by the user, so the same device shows up under several
 * cookies.
 *
 * @param maid the mobile ad id of an app device, upper-case for iOS, lower-case for Android; null on web
 * @param clearingChance the chance, each day, that the user clears cookies
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
        double clearingChance,
        double activity) {

    /** The cookie this device carries on {@code date}; null for app devices. */
    String cookieOn(LocalDate date) {
        if (kind.app) {
            return null;
        }
        long day = date.toEpochDay();
        long generation = Math.floorDiv(day + cookieOffset, cookieLifetimeDays);
        // The user may have cleared cookies since the cookie was set: the latest clearing day counts.
        long start = generation * cookieLifetimeDays - cookieOffset;
        long cleared = -1;
        for (long d = day; d >= start && clearingChance > 0; d--) {
            if (Rng.of(seed, person, slot, d, 0xC1EA7L).chance(clearingChance)) {
                cleared = d;
                break;
            }
        }
        Rng cookie = cleared < 0
                ? Rng.of(seed, person, slot, generation, 0xC00C1EL)
                : Rng.of(seed, person, slot, generation, 0xC00C1EL, cleared);
        return cookie.uuid().replace("-", "");
    }

    /** The identifier that events from this device carry on {@code date}. */
    String idOn(LocalDate date) {
        return kind.app ? maid : cookieOn(date);
    }
}
