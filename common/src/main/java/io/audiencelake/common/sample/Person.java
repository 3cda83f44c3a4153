package io.audiencelake.common.sample;

import java.time.LocalDate;
import java.util.List;

/**
 * A sample person: the hidden truth behind every identifier and record the generator writes.
 *
 * @param interests weight per {@link Catalogue#INTERESTS} entry, summing to 1: the latent
 *     interests that drive page views and purchases (lookalike ground truth)
 * @param spend how much this person buys, relative to the average of 1
 * @param loginEmail the email this person logs in with: their own, or the household head's
 *     shared family email
 */
record Person(
        long index,
        String key,
        long household,
        String country,
        String zone,
        String firstName,
        String lastName,
        LocalDate birthDate,
        String gender,
        String email,
        String loginEmail,
        String phone,
        String street,
        String postcode,
        String city,
        String homeIp,
        String officeIp,
        List<Device> devices,
        double[] interests,
        double spend,
        int peakHour,
        String customerId,
        LocalDate signupDate,
        String partnerId) {

    int countryIndex() {
        return Catalogue.COUNTRIES.indexOf(country);
    }

    /** The interest with the largest weight. */
    int topInterest() {
        int best = 0;
        for (int i = 1; i < interests.length; i++) {
            if (interests[i] > interests[best]) {
                best = i;
            }
        }
        return best;
    }
}
