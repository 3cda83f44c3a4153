package io.audiencelake.common.sample;

import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The hidden truth, written apart from the feeds: which person is behind every identifier (values
 * spelt as ingest normalises them, before hashing) and each person's latent traits. Identifiers of
 * no person (crawler cookies, junk emails) carry an empty person key.
 */
final class GroundTruth {
    /** The device kind (lower case, e.g. {@code mobile_web}) is empty for identifiers that are not devices. */
    static final String IDENTIFIERS_HEADER = "id_type,id_value,person_key,device_kind";

    static final String PERSONS_HEADER = "person_key,household_key,country,birth_date,gender,top_interest,"
            + "interests,spend,crm_member,partner_member,devices";

    private final Population population;

    GroundTruth(Population population) {
        this.population = population;
    }

    void identifiers(LocalDate date, long chunk, long from, long to, LineSink out) throws IOException {
        out.line(IDENTIFIERS_HEADER);
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            out.line(Csv.line(',', "email", p.email(), p.key(), ""));
            out.line(Csv.line(',', "phone", p.phone(), p.key(), ""));
            if (p.customerId() != null) {
                out.line(Csv.line(',', "customer_id", p.customerId(), p.key(), ""));
            }
            if (p.partnerId() != null) {
                out.line(Csv.line(',', "partner_id", p.partnerId(), p.key(), ""));
            }
            for (Device d : p.devices()) {
                String kind = d.kind().name().toLowerCase(Locale.ROOT);
                if (d.kind().app) {
                    out.line(Csv.line(',', "maid", d.maid().toUpperCase(Locale.ROOT), p.key(), kind));
                } else {
                    // Yesterday's cookie too (late events carry it), and the one of the latest visit a broker
                    // synced (the third-party feed reports it).
                    Set<String> cookies = new LinkedHashSet<>();
                    cookies.add(d.cookieOn(date));
                    cookies.add(d.cookieOn(date.minusDays(1)));
                    LocalDate synced = Clickstream.lastVisit(p, d, date, population, FeedSlices.SYNC_DAYS);
                    if (synced != null) {
                        cookies.add(d.cookieOn(synced));
                    }
                    for (String cookie : cookies) {
                        out.line(Csv.line(',', "cookie", cookie, p.key(), kind));
                    }
                }
            }
        }
        for (int bot = 0; bot < FeedSlices.bots(from, to); bot++) {
            out.line(Csv.line(',', "cookie", Clickstream.botCookie(population.seed, chunk, bot, date), "", "crawler"));
        }
        if (chunk == 0) {
            for (String junk : Catalogue.JUNK_EMAILS) {
                out.line(Csv.line(',', "email", junk, "", ""));
            }
        }
    }

    void persons(long from, long to, LineSink out) throws IOException {
        out.line(PERSONS_HEADER);
        for (long i = from; i < to; i++) {
            Person p = population.person(i);
            StringJoiner interests = new StringJoiner(";");
            for (int k = 0; k < p.interests().length; k++) {
                if (p.interests()[k] >= 0.05) {
                    interests.add(
                            Catalogue.INTERESTS.get(k) + ":" + String.format(Locale.ROOT, "%.3f", p.interests()[k]));
                }
            }
            out.line(Csv.line(
                    ',',
                    p.key(),
                    Population.personKey(p.household()),
                    p.country(),
                    p.birthDate(),
                    p.gender(),
                    Catalogue.INTERESTS.get(p.topInterest()),
                    interests.toString(),
                    String.format(Locale.ROOT, "%.4f", p.spend()),
                    p.customerId() != null,
                    p.partnerId() != null,
                    p.devices().size()));
        }
    }
}
