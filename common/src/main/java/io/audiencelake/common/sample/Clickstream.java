package io.audiencelake.common.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.audiencelake.common.config.GeneratorBehaviour;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * First-party web and app behaviour of one person on one day: sessions of page views, product
 * views, searches, add-to-carts and purchases driven by the person's latent interests and spend.
 * About 3% of events arrive a day late (they are written to the next day's file).
 */
final class Clickstream {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final String[] CURRENCY = {"GBP", "EUR", "EUR", "USD"};

    /** One event as it is written, with its delivery flag. */
    record Event(String json, boolean late) {}

    private Clickstream() {}

    static List<Event> eventsOf(Person p, LocalDate date, Population population) {
        List<Event> out = new ArrayList<>();
        ZoneId zone = ZoneId.of(p.zone());
        GeneratorBehaviour behaviour = population.behaviour;
        for (Device d : p.devices()) {
            Rng rng = dayOf(p, d, date, population);
            if (!rng.chance(d.activity())) {
                continue;
            }
            int sessions = 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.1) ? 1 : 0);
            int hour = Math.min(22, Math.max(0, (int) Math.round(rng.gaussian(p.peakHour(), 3)) - sessions));
            ZonedDateTime t = date.atStartOfDay(zone).plusHours(hour).plusMinutes(rng.below(60));
            for (int s = 0; s < sessions && t.toLocalDate().equals(date); s++) {
                t = session(p, d, date, t, rng, population, out);
                // One task carried on another device within minutes (reading on the phone, buying on the laptop).
                if (p.devices().size() > 1
                        && behaviour.devices().deviceSwitchShare() > 0
                        && rng.chance(behaviour.devices().deviceSwitchShare())) {
                    Device other = p.devices()
                            .get((d.slot() + 1 + rng.below(p.devices().size() - 1))
                                    % p.devices().size());
                    t = session(p, other, date, t.plusMinutes(rng.between(1, 10)), rng, population, out);
                }
                t = t.plusMinutes(rng.between(45, 240));
            }
        }
        return out;
    }

    /**
     * Whether the device visits the site on the date on its own (it may also be switched to within a task of
     * another device): a consent banner is answered and a data broker's tag syncs the cookie only on such a visit.
     */
    static boolean visits(Person p, Device d, LocalDate date, Population population) {
        return dayOf(p, d, date, population).chance(d.activity());
    }

    /**
     * The most recent day, up to {@code maxDaysBack} days before the date, on which the device visited, or null: the
     * day whose cookie a broker that synced it then still knows.
     */
    static LocalDate lastVisit(Person p, Device d, LocalDate date, Population population, int maxDaysBack) {
        for (int back = 0; back <= maxDaysBack; back++) {
            LocalDate day = date.minusDays(back);
            if (visits(p, d, day, population)) {
                return day;
            }
        }
        return null;
    }

    /** The random stream of one device's day; its first draw decides whether the device is used that day. */
    private static Rng dayOf(Person p, Device d, LocalDate date, Population population) {
        return Rng.of(population.seed, p.index(), d.slot(), date.toEpochDay(), 0xE7);
    }

    private static ZonedDateTime session(
            Person p, Device d, LocalDate date, ZonedDateTime t, Rng rng, Population population, List<Event> out) {
        GeneratorBehaviour behaviour = population.behaviour;
        String channel = Catalogue.CHANNELS.get(rng.weighted(Catalogue.CHANNEL_WEIGHTS));
        String referrer = Catalogue.REFERRERS.get(Catalogue.CHANNELS.indexOf(channel));
        int interest = rng.weighted(p.interests());
        String campaign = switch (channel) {
            case "paid_search", "social", "email", "display" ->
                "cmp_" + Catalogue.INTERESTS.get(interest) + "_" + date.getMonthValue();
            default -> null;
        };
        String ip = ipFor(p, d, t, rng, population);
        String login = login(p, d, rng, behaviour);
        // A session ends at local midnight, so every event of the day carries the day's cookie.
        Visit visit = new Visit(d, d.idOn(date), ip, login, campaign);
        int n = 2 + rng.poisson(5);
        boolean carted = false;
        for (int i = 0; i < n && t.toLocalDate().equals(date); i++) {
            int category = category(p, rng, behaviour);
            String type;
            if (i == 0) {
                type = d.kind().app ? "app_open" : "page_view";
            } else {
                type = new String[] {"page_view", "product_view", "search", "add_to_cart"}
                        [rng.weighted(new double[] {0.55, 0.30, 0.08, 0.07})];
            }
            carted |= type.equals("add_to_cart");
            out.add(event(p, visit, t, type, category, i == 0 ? referrer : null, null, behaviour, rng));
            t = t.plusSeconds(rng.between(5, 180));
        }
        if (carted
                && rng.chance(Math.min(0.9, 0.35 * p.spend()))
                && t.toLocalDate().equals(date)) {
            double revenue = Math.round(Math.exp(rng.gaussian(3.4, 0.6)) * p.spend() * 100) / 100.0;
            out.add(event(p, visit, t, "purchase", rng.weighted(p.interests()), null, revenue, behaviour, rng));
        }
        return t;
    }

    /** What the events of one session share: the device, the id it carries that day, network, login, campaign. */
    private record Visit(Device device, String deviceId, String ip, String login, String campaign) {}

    /** The category of a viewed page: mostly one of the person's interests, else any. */
    private static int category(Person p, Rng rng, GeneratorBehaviour behaviour) {
        return rng.chance(behaviour.people().interestFocus())
                ? rng.weighted(p.interests())
                : rng.below(Catalogue.INTERESTS.size());
    }

    /** The login of a session: mostly none, else the person's (messy) login email, rarely a junk address. */
    private static String login(Person p, Device d, Rng rng, GeneratorBehaviour behaviour) {
        if (!rng.chance(
                d.kind().app
                        ? behaviour.devices().appLoginShare()
                        : behaviour.devices().webLoginShare())) {
            return null;
        }
        return rng.chance(0.02) ? rng.pick(Catalogue.JUNK_EMAILS) : Messy.email(p.loginEmail(), rng);
    }

    /**
     * The network of a session: an office worker's desktop (and sometimes phone) on the office network in working
     * hours, phones and tablets sometimes on a public hotspot, phones often on the carrier's NAT, else home.
     */
    private static String ipFor(Person p, Device d, ZonedDateTime t, Rng rng, Population population) {
        GeneratorBehaviour.Devices devices = population.behaviour.devices();
        boolean workHours =
                t.getDayOfWeek().getValue() <= DayOfWeek.FRIDAY.getValue() && t.getHour() >= 9 && t.getHour() < 17;
        boolean phone = d.kind() == DeviceKind.MOBILE_WEB || d.kind() == DeviceKind.MOBILE_APP;
        if (p.officeIp() != null && workHours) {
            double office = d.kind() == DeviceKind.DESKTOP_WEB
                    ? devices.officeNetworkShare()
                    : phone ? devices.phoneOfficeShare() : 0;
            if (office > 0 && rng.chance(office)) {
                return p.officeIp();
            }
        }
        if (d.kind() != DeviceKind.DESKTOP_WEB
                && devices.publicWifiShare() > 0
                && rng.chance(devices.publicWifiShare())) {
            return population.hotspotIp(rng);
        }
        if (phone && rng.chance(devices.carrierShare())) {
            return Population.carrierIp(p.countryIndex(), rng);
        }
        return p.homeIp();
    }

    private static Event event(
            Person p,
            Visit visit,
            ZonedDateTime t,
            String type,
            int category,
            String referrer,
            Double revenue,
            GeneratorBehaviour behaviour,
            Rng rng) {
        Device d = visit.device();
        String interest = Catalogue.INTERESTS.get(category);
        int product = rng.between(1000, 9999);
        StringWriter text = new StringWriter(400);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("event_id", rng.uuid());
            g.writeStringField("event_time", rng.chance(0.001) ? badTimestamp(t, rng) : TS.format(t));
            if (d.kind().app) {
                g.writeStringField("maid", rng.chance(0.01) ? "00000000-0000-0000-0000-000000000000" : d.maid());
            } else {
                g.writeStringField("cookie_id", visit.deviceId());
            }
            if (!rng.chance(0.01)) {
                g.writeStringField("user_agent", d.userAgent());
            }
            g.writeStringField("ip", visit.ip());
            g.writeStringField("event_type", type);
            g.writeStringField(
                    "page_url",
                    switch (type) {
                        case "search" -> "https://shop.example.com/search?q=" + interest;
                        case "page_view", "app_open" -> "https://shop.example.com/c/" + interest;
                        default -> "https://shop.example.com/" + interest + "/p" + product;
                    });
            g.writeStringField("page_category", interest);
            if (!type.equals("page_view") && !type.equals("search") && !type.equals("app_open")) {
                g.writeStringField("product_id", "SKU-" + category + "-" + product);
            }
            if (referrer != null && !referrer.isEmpty()) {
                g.writeStringField("referrer", referrer);
            }
            if (visit.campaign() != null) {
                g.writeStringField("campaign", visit.campaign());
            }
            if (visit.login() != null) {
                g.writeStringField("login_email", visit.login());
            }
            if (revenue != null) {
                g.writeStringField("order_id", "O-" + Long.toString(rng.nextLong() >>> 1, 36));
                g.writeNumberField("revenue", revenue);
                g.writeStringField("currency", CURRENCY[p.countryIndex()]);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Event(text.toString(), rng.chance(behaviour.devices().lateEventShare()));
    }

    private static String badTimestamp(ZonedDateTime t, Rng rng) {
        return rng.chance(0.5) ? t.toLocalDate() + " 25:61:00" : "yesterday evening";
    }

    /** Crawler traffic: many page views from a data-centre IP under a fresh cookie each day. */
    static List<String> botEvents(long seed, long chunk, int bot, LocalDate date) {
        Rng rng = Rng.of(seed, chunk, bot, date.toEpochDay(), 0xB07);
        String cookie = botCookie(seed, chunk, bot, date);
        String ip = "66.249." + rng.between(64, 95) + "." + rng.between(1, 254);
        ZonedDateTime t = date.atStartOfDay(ZoneId.of("UTC")).plusSeconds(rng.below(3600));
        int n = rng.between(50, 200);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n && t.toLocalDate().equals(date); i++) {
            String interest = rng.pick(Catalogue.INTERESTS);
            out.add(String.format(
                    "{\"event_id\":\"%s\",\"event_time\":\"%s\",\"cookie_id\":\"%s\",\"user_agent\":\"%s\","
                            + "\"ip\":\"%s\",\"event_type\":\"page_view\",\"page_url\":\"https://shop.example.com/c/%s\","
                            + "\"page_category\":\"%s\"}",
                    rng.uuid(), TS.format(t), cookie, Catalogue.BOT_USER_AGENT, ip, interest, interest));
            t = t.plusSeconds(rng.between(1, 20));
        }
        return out;
    }

    static String botCookie(long seed, long chunk, int bot, LocalDate date) {
        return Rng.of(seed, chunk, bot, date.toEpochDay(), 0xB0C).uuid().replace("-", "");
    }
}
