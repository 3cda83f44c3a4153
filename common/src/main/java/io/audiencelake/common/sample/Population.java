package io.audiencelake.common.sample;

import io.audiencelake.common.config.GeneratorBehaviour;
import java.io.Serializable;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The sample population: person {@code i} is a pure function of (seed, i), so any executor can
 * build any slice of it. People live in households of one to four that share an address, a home
 * IP and often a surname; some share the head's email; many share an office IP or a mobile
 * carrier's IP: the hard cases identity resolution must get right.
 */
final class Population implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long HOUSEHOLD = 0x40;
    private static final long PERSON = 0x50;
    private static final long DEVICES = 0x51;
    private static final int HOUSEHOLD_BLOCK = 4;
    static final double CRM_SHARE = 0.55;
    static final double PARTNER_SHARE = 0.30;

    final long seed;
    final long size;
    final GeneratorBehaviour behaviour;

    Population(long seed, long size, GeneratorBehaviour behaviour) {
        this.seed = seed;
        this.size = size;
        this.behaviour = behaviour;
    }

    static String personKey(long index) {
        return String.format("P%09d", index);
    }

    /** Index of the first member of {@code index}'s household, which is also the household's id. */
    long householdOf(long index) {
        long block = index / HOUSEHOLD_BLOCK;
        Rng rng = Rng.of(seed, block, HOUSEHOLD);
        long start = block * HOUSEHOLD_BLOCK;
        for (int offset = 1; offset <= index - block * HOUSEHOLD_BLOCK; offset++) {
            if (rng.chance(behaviour.people().newHouseholdChance())) {
                start = block * HOUSEHOLD_BLOCK + offset;
            }
        }
        return start;
    }

    /** What a household's members share: country, family name, address and home network. */
    private record Home(int country, String familyName, String street, String city, String postcode, String ip) {}

    private Home home(long household) {
        Rng home = Rng.of(seed, household, HOUSEHOLD, 1);
        int country = home.weighted(Catalogue.COUNTRY_WEIGHTS);
        String familyName = home.pick(Catalogue.LAST_NAMES.get(country));
        String street = home.between(1, 240) + " " + home.pick(Catalogue.STREETS.get(country));
        String city = home.pick(Catalogue.CITIES.get(country));
        String postcode = postcode(country, home);
        String ip = home.chance(behaviour.people().ipv6HomeShare()) ? ipv6(household) : ipv4(household);
        return new Home(country, familyName, street, city, postcode, ip);
    }

    Person person(long index) {
        long household = householdOf(index);
        Home home = home(household);
        int country = home.country();
        Rng rng = Rng.of(seed, index, PERSON);
        String first = rng.pick(Catalogue.FIRST_NAMES.get(country));
        String last = rng.chance(0.75) ? home.familyName() : rng.pick(Catalogue.LAST_NAMES.get(country));
        LocalDate birth = LocalDate.of(1950, 1, 1).plusDays(rng.below(55 * 365));
        String gender = rng.chance(0.5) ? "F" : "M";
        String email = emailOf(index, first, last, rng);
        // A family account: a quarter of household members log in with the household head's email.
        String loginEmail = household != index && rng.chance(behaviour.people().familyLoginShare())
                ? person(household).email()
                : email;
        String phone = phone(country, index);
        String officeIp = office(rng, behaviour.people());
        double[] interests = interests(rng, household, behaviour.people());
        double spend = Math.exp(rng.gaussian(0, 0.8)) * (interests[2] + interests[4] + interests[0] > 0.5 ? 1.4 : 1.0);
        int peakHour = peakHour(rng, behaviour.people());
        String customerId = rng.chance(CRM_SHARE) ? String.format("C%09d", index + 1) : null;
        LocalDate signup = LocalDate.of(2015, 1, 1).plusDays(rng.below(5 * 365));
        String partnerId = rng.chance(PARTNER_SHARE)
                ? "PTN" + Long.toString(Rng.mix(seed ^ index) >>> 1, 36).toUpperCase(Locale.ROOT)
                : null;
        double engagement = engagement(rng, behaviour.people());
        return new Person(
                index,
                personKey(index),
                household,
                Catalogue.COUNTRIES.get(country),
                Catalogue.ZONES.get(country),
                first,
                last,
                birth,
                gender,
                email,
                loginEmail,
                phone,
                home.street(),
                home.postcode(),
                home.city(),
                home.ip(),
                officeIp,
                devices(index, engagement),
                interests,
                spend,
                peakHour,
                customerId,
                signup,
                partnerId);
    }

    /** The office network of an office worker (shared with everyone at that office), or null. */
    private String office(Rng rng, GeneratorBehaviour.People people) {
        return rng.chance(people.officeWorkerShare())
                ? officeIp(rng.below(Math.max(3, (int) (size / people.peoplePerOffice()))))
                : null;
    }

    /** The hour of day the person is most active, between 6 and 23. */
    private static int peakHour(Rng rng, GeneratorBehaviour.People people) {
        return Math.min(23, Math.max(6, (int) Math.round(rng.gaussian(people.peakHourMean(), people.peakHourSd()))));
    }

    /** The chance that one of the person's devices is used on a day: log-normal across people. */
    private static double engagement(Rng rng, GeneratorBehaviour.People people) {
        double drawn = Math.exp(rng.gaussian(Math.log(people.engagementMedian()), people.engagementSpread()));
        return Math.min(0.9, Math.max(0.05, drawn));
    }

    private List<Device> devices(long index, double engagement) {
        Rng rng = Rng.of(seed, index, DEVICES);
        GeneratorBehaviour.Devices devices = behaviour.devices();
        int count = 1 + rng.weighted(devices.perPersonWeights());
        // The person's platform; each device follows it with the affinity, else is drawn on its own.
        // Draws only for behaviours that are on, so the defaults give the bytes of the generator before them.
        boolean affinity = devices.platformAffinity() > 0;
        boolean apple = affinity && rng.chance(devices.appleShare());
        List<Device> out = new ArrayList<>(count);
        for (int slot = 0; slot < count; slot++) {
            DeviceKind kind = DeviceKind.values()[rng.weighted(devices.kindWeights())];
            boolean follows = affinity && rng.chance(devices.platformAffinity());
            boolean ios = follows ? apple : rng.chance(devices.appleShare());
            String ua = kind == DeviceKind.DESKTOP_WEB && follows
                    ? UserAgents.desktop(apple, rng)
                    : UserAgents.of(kind, ios, rng);
            boolean safari =
                    ios && kind != DeviceKind.DESKTOP_WEB || ua.contains("Macintosh") && ua.contains("Version/");
            int lifetime =
                    safari ? devices.safariCookieDays() : rng.between(devices.cookieDaysMin(), devices.cookieDaysMax());
            String maid = null;
            if (kind.app) {
                String id = rng.uuid();
                maid = ios ? id.toUpperCase(Locale.ROOT) : id;
            }
            double activity = engagement * (kind == DeviceKind.TABLET_WEB ? devices.tabletActivity() : 1.0);
            // A monthly share as a daily chance: clearing on any day of a 30-day month with that share.
            double clearing = 1 - Math.pow(1 - devices.cookieClearingShare(), 1.0 / 30);
            out.add(new Device(
                    seed, index, slot, kind, ios, ua, maid, lifetime, rng.below(lifetime), clearing, activity));
        }
        return out;
    }

    /**
     * Latent interest weights: a few strong interests of the person's own, mixed with the household's (members share
     * some of what they read and buy, so a household's devices look alike).
     */
    private double[] interests(Rng rng, long household, GeneratorBehaviour.People people) {
        double[] own = strongInterests(rng, people);
        double shared = people.householdInterestShare();
        if (shared > 0) {
            double[] home = strongInterests(Rng.of(seed, household, HOUSEHOLD, 2), people);
            for (int i = 0; i < own.length; i++) {
                own[i] = (1 - shared) * own[i] + shared * home[i];
            }
        }
        return own;
    }

    /** A few strong interests and a little of every other, summing to 1. */
    private static double[] strongInterests(Rng rng, GeneratorBehaviour.People people) {
        int n = Catalogue.INTERESTS.size();
        double[] w = new double[n];
        Arrays.fill(w, 0.01);
        int picks = rng.between(people.interestsMin(), people.interestsMax());
        for (int k = 0; k < picks; k++) {
            w[rng.below(n)] += -Math.log(1 - rng.uniform());
        }
        double total = Arrays.stream(w).sum();
        for (int i = 0; i < n; i++) {
            w[i] /= total;
        }
        return w;
    }

    /** Lower-case ASCII letters only, as people turn their names into email addresses. */
    static String ascii(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "")
                .replace("ß", "ss")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z]", "");
    }

    private static String emailOf(long index, String first, String last, Rng rng) {
        String f = ascii(first);
        String l = ascii(last);
        // The index keeps addresses unique, as a mail provider does.
        String local = switch (rng.below(4)) {
            case 0 -> f + "." + l + index;
            case 1 -> f + l + index;
            case 2 -> f.charAt(0) + "." + l + index;
            default -> l + "." + f + index;
        };
        return local + "@" + rng.pick(Catalogue.EMAIL_DOMAINS);
    }

    /** A valid mobile number in E.164, unique per index. */
    static String phone(int country, long index) {
        long n = index % 100_000_000L;
        return switch (country) {
            case 0 -> String.format("+4477%08d", n);
            case 1 -> String.format("+49151%08d", n);
            case 2 -> String.format("+336%08d", n);
            default ->
                String.format(
                        "+1%s%03d%04d",
                        new String[] {"212", "310", "415", "617", "312"}[(int) (index % 5)],
                        200 + (index / 5 / 10_000) % 800,
                        (index / 5) % 10_000);
        };
    }

    private static String postcode(int country, Rng rng) {
        if (country == 0) {
            String letters = "ABDEFGHJLNPQRSTUWXYZ";
            return "" + "EWNS".charAt(rng.below(4)) + rng.between(1, 20) + " " + rng.between(1, 9)
                    + letters.charAt(rng.below(letters.length())) + letters.charAt(rng.below(letters.length()));
        }
        return String.format("%05d", rng.between(country == 3 ? 10001 : 1001, 98999));
    }

    /** Neighbouring households share an ISP /24 block; the last octet is the household's own. */
    private String ipv4(long household) {
        Rng block = Rng.of(seed, household / 50, 0x1B);
        int a = new int[] {81, 86, 92, 109, 176, 188, 212, 217}[block.below(8)];
        return a + "." + block.between(1, 254) + "." + block.between(0, 255) + "." + (household % 50 * 5 + 2);
    }

    private String ipv6(long household) {
        Rng rng = Rng.of(seed, household, 0x16);
        return String.format(
                "2a02:c7c:%x:%x:%x:%x:%x:%x",
                rng.below(0xffff),
                household & 0xffff,
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(0xffff));
    }

    /** Office IPs are shared by everyone who works there: a hot IP, not a person. */
    private String officeIp(int office) {
        Rng rng = Rng.of(seed, office, 0x0FF1CE);
        return "62." + rng.between(1, 254) + "." + rng.between(0, 255) + "." + rng.between(1, 254);
    }

    /** One of the public hotspots (cafes, stations, shops): many unrelated people on one address. */
    String hotspotIp(Rng rng) {
        int hotspot = rng.below(Math.max(3, (int) (size / behaviour.devices().peoplePerHotspot())));
        Rng h = Rng.of(seed, hotspot, 0xCAFEL);
        return "185." + h.between(1, 254) + "." + h.between(0, 255) + "." + h.between(1, 254);
    }

    /** A mobile carrier's shared NAT address: thousands of people behind a few IPs. */
    static String carrierIp(int country, Rng rng) {
        return (31 + country) + ".94." + rng.between(0, 3) + "." + rng.between(1, 16);
    }
}
