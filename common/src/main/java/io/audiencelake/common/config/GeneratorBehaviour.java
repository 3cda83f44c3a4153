package io.audiencelake.common.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How the generator's people, devices and third-party provider behave: every parameter that decides how hard
 * identity and lookalikes are on generated data, under {@code generate.people}, {@code generate.devices} and
 * {@code generate.third_party}. Each one's source, or that it is an assumption, is in {@code docs/generator.md},
 * with the older defaults some of them replaced (one {@code --set} line away there).
 */
public record GeneratorBehaviour(People people, Devices devices, ThirdParty thirdParty) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Device kinds by their config name, in the order the generator draws them. */
    public static final List<String> DEVICE_KINDS = List.of("desktop_web", "mobile_web", "tablet_web", "mobile_app");

    public static final GeneratorBehaviour DEFAULTS =
            new GeneratorBehaviour(People.DEFAULTS, Devices.DEFAULTS, ThirdParty.DEFAULTS);

    /** The people and devices given, with the default third-party provider. */
    public GeneratorBehaviour(People people, Devices devices) {
        this(people, devices, ThirdParty.DEFAULTS);
    }

    /**
     * @param newHouseholdChance chance that each next person of a block of four starts a household of their own
     *     (households of one to four people)
     * @param familyLoginShare share of household members who log in with the head's email
     * @param officeWorkerShare share of people who work in an office with a shared network
     * @param peoplePerOffice people in the population per office (how many share one office address)
     * @param ipv6HomeShare share of households whose home address is IPv6
     * @param interestsMin fewest strong interests a person has
     * @param interestsMax most strong interests a person has
     * @param interestFocus share of viewed categories drawn from the person's interests (the rest at random)
     * @param householdInterestShare share of a person's interests that are the household's, shared by its members
     * @param peakHourMean mean of the hour a person is most active (local time)
     * @param peakHourSd standard deviation of that hour across people
     * @param engagementMedian median chance that a device is used on a day
     * @param engagementSpread standard deviation of the log of that chance across people
     */
    public record People(
            double newHouseholdChance,
            double familyLoginShare,
            double officeWorkerShare,
            int peoplePerOffice,
            double ipv6HomeShare,
            int interestsMin,
            int interestsMax,
            double interestFocus,
            double householdInterestShare,
            double peakHourMean,
            double peakHourSd,
            double engagementMedian,
            double engagementSpread)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final People DEFAULTS =
                new People(0.25, 0.25, 0.25, 400, 0.1, 2, 3, 0.75, 0.3, 19, 3.5, 0.3, 0.6);
    }

    /**
     * @param perPerson relative shares of people with 1, 2, ... devices
     * @param kinds relative share of each of {@link #DEVICE_KINDS}
     * @param appleShare share of people whose platform is Apple's (iOS phones and tablets, Macs)
     * @param platformAffinity chance that a device follows its owner's platform; otherwise its platform is drawn on
     *     its own (phones and tablets Apple's at {@code appleShare}, desktops a Mac one time in four)
     * @param safariCookieDays lifetime of a Safari cookie (Safari's 7-day cap on script-set cookies)
     * @param cookieDaysMin shortest lifetime of another browser's cookie
     * @param cookieDaysMax longest lifetime of another browser's cookie
     * @param cookieClearingShare share of web devices whose user clears cookies in a month (a new cookie at once)
     * @param officeNetworkShare share of an office worker's weekday 9-17 desktop sessions on the office network
     * @param phoneOfficeShare share of an office worker's weekday 9-17 phone sessions on the office Wi-Fi
     * @param publicWifiShare share of phone and tablet sessions on a public hotspot (cafe, station, shop)
     * @param peoplePerHotspot people in the population per public hotspot (how many share one hotspot address)
     * @param carrierShare share of phone sessions (web and app) on the mobile carrier's shared NAT addresses
     * @param deviceSwitchShare chance that a session continues within minutes on another of the person's devices
     * @param appLoginShare share of app sessions with a login
     * @param webLoginShare share of web sessions with a login
     * @param tabletActivity how often a tablet is used, relative to the person's other devices
     * @param lateEventShare share of events delivered a day late, in the next day's file
     */
    public record Devices(
            List<Double> perPerson,
            Map<String, Double> kinds,
            double appleShare,
            double platformAffinity,
            int safariCookieDays,
            int cookieDaysMin,
            int cookieDaysMax,
            double cookieClearingShare,
            double officeNetworkShare,
            double phoneOfficeShare,
            double publicWifiShare,
            int peoplePerHotspot,
            double carrierShare,
            double deviceSwitchShare,
            double appLoginShare,
            double webLoginShare,
            double tabletActivity,
            double lateEventShare)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final Devices DEFAULTS = new Devices(
                List.of(0.3, 0.4, 0.2, 0.1),
                Map.of("desktop_web", 0.40, "mobile_web", 0.30, "tablet_web", 0.10, "mobile_app", 0.20),
                0.5,
                0.5,
                7,
                30,
                90,
                0.31,
                0.7,
                0.3,
                0.05,
                500,
                0.55,
                0.25,
                0.6,
                0.25,
                0.5,
                0.03);

        public Devices {
            perPerson = List.copyOf(perPerson);
            kinds = Map.copyOf(kinds);
        }

        /** The shares of people with 1, 2, ... devices, for a weighted draw. */
        public double[] perPersonWeights() {
            return perPerson.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** The kinds' shares in {@link #DEVICE_KINDS} order, for a weighted draw. */
        public double[] kindWeights() {
            return DEVICE_KINDS.stream()
                    .mapToDouble(k -> kinds.getOrDefault(k, 0.0))
                    .toArray();
        }
    }

    /**
     * How good the third-party data provider's feed is: which devices it knows, and how often what it says of them is
     * true. Lookalikes that take third-party affinities are only as good as this, so it is a parameter, not a fact.
     *
     * @param webCoverage chance that the provider knows a web device (its cookies)
     * @param appCoverage chance that it knows an app device (its mobile ad id)
     * @param interestThreshold a person's interest weight above which the provider may put the device in that
     *     interest's segment
     * @param interestRecall chance per day that a known device is put in each segment of an interest above the
     *     threshold
     * @param noiseSegmentChance chance per day that a known device is also put in one segment at random (a wrong one
     *     most of the time), with a lower confidence
     * @param ageAccuracy chance that the age band it gives is the true one (otherwise one at random)
     * @param genderAccuracy chance that the gender it gives is the true one (otherwise the other)
     */
    public record ThirdParty(
            double webCoverage,
            double appCoverage,
            double interestThreshold,
            double interestRecall,
            double noiseSegmentChance,
            double ageAccuracy,
            double genderAccuracy)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final ThirdParty DEFAULTS = new ThirdParty(0.4, 0.5, 0.15, 0.8, 0.3, 0.8, 0.85);
    }
}
