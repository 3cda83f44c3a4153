package io.audiencelake.common.sample;

import io.audiencelake.common.config.GeneratorBehaviour;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Writes one slice of people (a file's worth) of one feed for one date. Every feed gets the
 * defects real feeds have: duplicated lines, malformed lines, invalid values, missing optional
 * fields, mixed spellings.
 */
final class FeedSlices {
    static final double DUPLICATE_SHARE = 0.01;
    static final double MALFORMED_SHARE = 0.001;
    /** How long a broker keeps reporting a cookie it synced on a visit (assumption: about a month). */
    static final int SYNC_DAYS = 30;

    private static final String[] AGE_BANDS = {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"};

    private final Population population;
    private final long seed;

    FeedSlices(Population population) {
        this.population = population;
        this.seed = population.seed;
    }

    void write(SampleFeed feed, LocalDate date, long chunk, long from, long to, LineSink out) throws IOException {
        switch (feed) {
            case CLICKSTREAM -> clickstream(date, chunk, from, to, out);
            case CRM -> crm(date, from, to, out);
            case PARTNER -> partner(date, from, to, out);
            case THIRD_PARTY -> thirdParty(date, from, to, out);
            case CONSENT -> consent(date, from, to, out);
        }
    }

    /** Writes a line, sometimes twice, sometimes cut short, as a flaky exporter does. */
    private static void emit(LineSink out, String line, Rng rng) throws IOException {
        if (rng.chance(MALFORMED_SHARE)) {
            out.line(line.substring(0, Math.max(1, line.length() / 2)) + (rng.chance(0.5) ? "\"" : ""));
            return;
        }
        out.line(line);
        if (rng.chance(DUPLICATE_SHARE)) {
            out.line(line);
        }
    }

    private void clickstream(LocalDate date, long chunk, long from, long to, LineSink out) throws IOException {
        LocalDate yesterday = date.minusDays(1);
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            Rng rng = Rng.of(seed, i, date.toEpochDay(), 0xC1);
            // Late events of yesterday arrive in today's file, before today's own.
            for (Clickstream.Event e : Clickstream.eventsOf(p, yesterday, population)) {
                if (e.late()) {
                    emit(out, e.json(), rng);
                }
            }
            for (Clickstream.Event e : Clickstream.eventsOf(p, date, population)) {
                if (!e.late()) {
                    emit(out, e.json(), rng);
                }
            }
        }
        for (int bot = 0; bot < bots(from, to); bot++) {
            for (String line : Clickstream.botEvents(seed, chunk, bot, date)) {
                out.line(line);
            }
        }
    }

    static int bots(long from, long to) {
        return (int) Math.max(1, (to - from) / 1000);
    }

    private void crm(LocalDate date, long from, long to, LineSink out) throws IOException {
        out.line("customer_id,email,phone,first_name,last_name,street,postcode,city,country,birth_date,gender,"
                + "signup_date,updated_at");
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            if (p.customerId() == null || p.signupDate().isAfter(date)) {
                continue;
            }
            Rng rng = Rng.of(seed, i, date.toEpochDay(), 0xC2);
            String email = rng.chance(0.005)
                    ? rng.pick(Catalogue.JUNK_EMAILS)
                    : rng.chance(0.003) ? p.email().replace("@", "") : Messy.email(p.email(), rng);
            String phone = rng.chance(0.15) ? "" : rng.chance(0.003) ? "12" : Messy.phone(p.phone(), p.country(), rng);
            String first = rng.chance(0.05) ? p.firstName().toUpperCase(Locale.ROOT) : p.firstName();
            String birth = rng.chance(0.002)
                    ? "31/02/" + p.birthDate().getYear()
                    : p.birthDate().toString();
            emit(
                    out,
                    Csv.line(
                            ',',
                            p.customerId(),
                            email,
                            phone,
                            first,
                            p.lastName(),
                            p.street(),
                            p.postcode(),
                            p.city(),
                            p.country(),
                            birth,
                            p.gender(),
                            p.signupDate(),
                            date + "T0" + rng.between(1, 5) + ":" + rng.between(10, 59) + ":00Z"),
                    rng);
        }
    }

    private void partner(LocalDate date, long from, long to, LineSink out) throws IOException {
        out.line(String.join(
                "\t",
                "partner_user_id",
                "email",
                "first_name",
                "last_name",
                "postcode",
                "birth_year",
                "purchases_12m",
                "spend_12m",
                "top_categories",
                "updated_at"));
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            if (p.partnerId() == null) {
                continue;
            }
            // Stable per person: the partner's copy of a name has the same typo every day.
            Rng stable = Rng.of(seed, i, 0xB2);
            Rng rng = Rng.of(seed, i, date.toEpochDay(), 0xC3);
            String email = stable.chance(0.3) ? "" : Messy.email(p.email(), rng);
            String first = stable.chance(0.12) ? Messy.typo(p.firstName(), stable) : p.firstName();
            String last = stable.chance(0.12) ? Messy.typo(p.lastName(), stable) : p.lastName();
            String postcode = stable.chance(0.05) ? "" : p.postcode();
            int birthYear = p.birthDate().getYear() + (stable.chance(0.03) ? 1 : 0);
            int purchases = (int) Math.round(p.spend() * 6 * (0.5 + stable.uniform()));
            double spend = Math.round(purchases * 45.0 * p.spend() * 100) / 100.0;
            int top = p.topInterest();
            emit(
                    out,
                    Csv.line(
                            '\t',
                            p.partnerId(),
                            email,
                            first,
                            last,
                            postcode,
                            birthYear,
                            purchases,
                            spend,
                            Catalogue.INTERESTS.get(top) + "|" + Catalogue.INTERESTS.get(rng.weighted(p.interests())),
                            date.toString()),
                    rng);
        }
    }

    private void thirdParty(LocalDate date, long from, long to, LineSink out) throws IOException {
        out.line("id_type|id_value|segment_id|segment_name|confidence|observed_date");
        GeneratorBehaviour.ThirdParty provider = population.behaviour.thirdParty();
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            for (Device d : p.devices()) {
                Rng coverage = Rng.of(seed, i, d.slot(), 0x3B);
                if (!coverage.chance(d.kind().app ? provider.appCoverage() : provider.webCoverage())) {
                    continue;
                }
                // A broker knows our cookie only from a visit to our site where its tag synced it: it reports the
                // cookie of the device's latest visit in the last month, never one the device carried unseen.
                // A mobile ad id is the device's own, known from other apps.
                LocalDate synced = d.kind().app ? date : Clickstream.lastVisit(p, d, date, population, SYNC_DAYS);
                if (synced != null) {
                    Rng rng = Rng.of(seed, i, d.slot(), date.toEpochDay(), 0xC4);
                    thirdPartyDevice(out, p, d, synced, date, provider, rng);
                }
            }
        }
    }

    /** A covered device's interest segments (mostly true, some noise) and its age and gender guesses. */
    private static void thirdPartyDevice(
            LineSink out,
            Person p,
            Device d,
            LocalDate synced,
            LocalDate date,
            GeneratorBehaviour.ThirdParty provider,
            Rng rng)
            throws IOException {
        String type = d.kind().app ? "maid" : "cookie";
        String id = d.kind().app && rng.chance(0.5) ? d.maid().toLowerCase(Locale.ROOT) : d.idOn(synced);
        for (int k = 0; k < p.interests().length; k++) {
            if (p.interests()[k] > provider.interestThreshold() && rng.chance(provider.interestRecall())) {
                segment(out, type, id, k, 0.6 + 0.35 * rng.uniform(), date, rng);
            }
        }
        if (rng.chance(provider.noiseSegmentChance())) {
            segment(out, type, id, rng.below(Catalogue.INTERESTS.size()), 0.3 + 0.3 * rng.uniform(), date, rng);
        }
        int age = date.getYear() - p.birthDate().getYear();
        int band = Math.min(5, Math.max(0, age < 25 ? 0 : (age - 15) / 10));
        if (!rng.chance(provider.ageAccuracy())) {
            band = rng.below(AGE_BANDS.length);
        }
        String ageLine = Csv.line(
                '|',
                type,
                id,
                "DEMO-AGE-" + band,
                "Demographic>Age>" + AGE_BANDS[band],
                fmt(0.5 + 0.4 * rng.uniform()),
                date);
        emit(out, ageLine, rng);
        String gender =
                rng.chance(provider.genderAccuracy()) ? p.gender() : (p.gender().equals("F") ? "M" : "F");
        String genderLine = Csv.line(
                '|',
                type,
                id,
                "DEMO-GENDER-" + gender,
                "Demographic>Gender>" + gender,
                fmt(0.5 + 0.4 * rng.uniform()),
                date);
        emit(out, genderLine, rng);
    }

    private static void segment(
            LineSink out, String type, String id, int interest, double confidence, LocalDate date, Rng rng)
            throws IOException {
        String[] taxonomy = Catalogue.TAXONOMY.get(interest);
        emit(out, Csv.line('|', type, id, taxonomy[0], taxonomy[1], fmt(confidence), date), rng);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private void consent(LocalDate date, long from, long to, LineSink out) throws IOException {
        out.line("subject_type,subject_value,purpose,status,recorded_at,source");
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            Rng rng = Rng.of(seed, i, date.toEpochDay(), 0xC5);
            if (p.customerId() != null) {
                preferenceCentre(out, p, date, rng);
            }
            for (Device d : p.devices()) {
                deviceConsent(out, p, d, date, rng);
            }
        }
    }

    /** A customer's choice per purpose: about one in ten opts out on a day of its own, granted before. */
    private void preferenceCentre(LineSink out, Person p, LocalDate date, Rng rng) throws IOException {
        List<String> purposes = Catalogue.PURPOSES;
        for (int k = 0; k < purposes.size(); k++) {
            Rng choice = Rng.of(seed, p.index(), k, 0xC0);
            boolean optsOut = choice.chance(0.1);
            LocalDate optOutDay = LocalDate.of(2024, 1, 1).plusDays(choice.below(1200));
            boolean denied = optsOut && !optOutDay.isAfter(date);
            LocalDate recorded = denied ? optOutDay : p.signupDate();
            String line = Csv.line(
                    ',',
                    "email",
                    Messy.email(p.email(), rng),
                    purposes.get(k),
                    denied ? "denied" : "granted",
                    recorded + "T12:00:00Z",
                    "preference_centre");
            emit(out, line, rng);
        }
    }

    /**
     * An app's tracking prompt (iOS ATT grants far less often) or a browser's consent banner, logged on the days the
     * device visits: a consent platform records the cookie a banner was shown to, never one that loaded no page.
     */
    private void deviceConsent(LineSink out, Person p, Device d, LocalDate date, Rng rng) throws IOException {
        if (!Clickstream.visits(p, d, date, population)) {
            return;
        }
        Rng choice = Rng.of(seed, p.index(), d.slot(), 0xC6);
        if (d.kind().app) {
            boolean granted = choice.chance(d.ios() ? 0.35 : 0.85);
            String source = d.ios() ? "att_prompt" : "app_settings";
            String line = Csv.line(
                    ',',
                    "maid",
                    d.maid(),
                    "ad_targeting",
                    granted ? "granted" : "denied",
                    p.signupDate() + "T12:00:00Z",
                    source);
            emit(out, line, rng);
            return;
        }
        boolean granted = choice.chance(0.7);
        for (String purpose : new String[] {"ad_targeting", "analytics"}) {
            String line = Csv.line(
                    ',',
                    "cookie",
                    d.cookieOn(date),
                    purpose,
                    granted ? "granted" : "denied",
                    date + "T00:00:00Z",
                    "cmp_banner");
            emit(out, line, rng);
        }
    }
}
