package io.audiencelake.common.sample;

import java.util.List;

/** The fixed vocabularies sample people and behaviour are drawn from. */
final class Catalogue {
    private Catalogue() {}

    static final List<String> INTERESTS = List.of(
            "fashion",
            "shoes",
            "electronics",
            "home_garden",
            "travel",
            "sports",
            "beauty",
            "books",
            "toys",
            "grocery",
            "automotive",
            "finance",
            "health",
            "pets",
            "gaming",
            "music");

    /** Third-party taxonomy segment per interest (IAB-like id and path). */
    static final List<String[]> TAXONOMY = List.of(
            new String[] {"IAB18", "Style & Fashion"},
            new String[] {"IAB18-6", "Style & Fashion>Footwear"},
            new String[] {"IAB19", "Technology & Computing"},
            new String[] {"IAB10", "Home & Garden"},
            new String[] {"IAB20", "Travel"},
            new String[] {"IAB17", "Sports"},
            new String[] {"IAB18-1", "Style & Fashion>Beauty"},
            new String[] {"IAB1-1", "Arts & Entertainment>Books & Literature"},
            new String[] {"IAB9", "Hobbies & Interests>Toys"},
            new String[] {"IAB8", "Food & Drink"},
            new String[] {"IAB2", "Automotive"},
            new String[] {"IAB13", "Personal Finance"},
            new String[] {"IAB7", "Health & Fitness"},
            new String[] {"IAB16", "Pets"},
            new String[] {"IAB9-30", "Hobbies & Interests>Video & Computer Games"},
            new String[] {"IAB1-6", "Arts & Entertainment>Music"});

    static final List<String> COUNTRIES = List.of("GB", "DE", "FR", "US");
    static final double[] COUNTRY_WEIGHTS = {0.55, 0.2, 0.15, 0.1};
    static final List<String> ZONES = List.of("Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York");

    static final List<List<String>> FIRST_NAMES = List.of(
            List.of(
                    "Oliver",
                    "Amelia",
                    "George",
                    "Isla",
                    "Harry",
                    "Ava",
                    "Noah",
                    "Mia",
                    "Jack",
                    "Sophie",
                    "Siobhán",
                    "Zoë",
                    "Niamh",
                    "Seán",
                    "Aoife",
                    "Thomas",
                    "Emily",
                    "William",
                    "Grace",
                    "Charlotte"),
            List.of(
                    "Lukas",
                    "Jürgen",
                    "Sönke",
                    "Lena",
                    "Jörg",
                    "Björn",
                    "Käthe",
                    "Maximilian",
                    "Sophie",
                    "Mia",
                    "Anna",
                    "Felix",
                    "Jonas",
                    "Leonie",
                    "Hannah",
                    "Paul",
                    "Günther",
                    "Lea",
                    "Tobias",
                    "Ute"),
            List.of(
                    "Léa", "Chloé", "Hugo", "Élodie", "Gaël", "Inès", "Louis", "Noémie", "Théo", "Maëlle", "Camille",
                    "Lucas", "Manon", "Jules", "Sarah", "Nathan", "Zoé", "Raphaël", "Anaïs", "Céline"),
            List.of(
                    "James",
                    "Mary",
                    "Robert",
                    "Patricia",
                    "José",
                    "María",
                    "Michael",
                    "Jennifer",
                    "David",
                    "Linda",
                    "John",
                    "Elizabeth",
                    "Daniel",
                    "Jessica",
                    "Matthew",
                    "Ashley",
                    "Chris",
                    "Amanda",
                    "Kevin",
                    "Nicole"));

    static final List<List<String>> LAST_NAMES = List.of(
            List.of(
                    "Smith",
                    "Jones",
                    "Taylor",
                    "Brown",
                    "Williams",
                    "Wilson",
                    "Johnson",
                    "Davies",
                    "O'Brien",
                    "Robinson",
                    "Wright",
                    "Thompson",
                    "Evans",
                    "Walker",
                    "White",
                    "Roberts",
                    "Green",
                    "Hall",
                    "Wood",
                    "Clarke"),
            List.of(
                    "Müller",
                    "Schmidt",
                    "Schneider",
                    "Fischer",
                    "Weiß",
                    "Groß",
                    "Köhler",
                    "Schäfer",
                    "Koch",
                    "Bauer",
                    "Richter",
                    "Klein",
                    "Wolf",
                    "Schröder",
                    "Neumann",
                    "Schwarz",
                    "Zimmermann",
                    "Braun",
                    "Krüger",
                    "Hofmann"),
            List.of(
                    "Martin",
                    "Bernard",
                    "Dubois",
                    "Lefèvre",
                    "Moreau",
                    "Girard",
                    "Rousseau",
                    "Faure",
                    "Mercier",
                    "Bonnet",
                    "Laurent",
                    "Simon",
                    "Michel",
                    "Garnier",
                    "Chevalier",
                    "François",
                    "Legrand",
                    "Gauthier",
                    "Perrin",
                    "Robin"),
            List.of(
                    "Smith",
                    "Johnson",
                    "Williams",
                    "Brown",
                    "García",
                    "Miller",
                    "Davis",
                    "Rodríguez",
                    "Martínez",
                    "Wilson",
                    "Anderson",
                    "Taylor",
                    "Thomas",
                    "Hernández",
                    "Moore",
                    "Jackson",
                    "Lee",
                    "Pérez",
                    "Thompson",
                    "Harris"));

    static final List<List<String>> CITIES = List.of(
            List.of("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Edinburgh", "Cardiff"),
            List.of("Berlin", "München", "Köln", "Hamburg", "Frankfurt am Main", "Düsseldorf", "Stuttgart", "Leipzig"),
            List.of("Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier"),
            List.of("New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Boston", "Seattle", "Miami"));

    static final List<List<String>> STREETS = List.of(
            List.of("High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Park Avenue"),
            List.of("Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße"),
            List.of(
                    "Rue de la Paix",
                    "Rue Victor Hugo",
                    "Avenue Jean Jaurès",
                    "Rue de l'Église",
                    "Boulevard Pasteur",
                    "Rue Pasteur"),
            List.of("Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street", "Washington Blvd"));

    static final List<String> EMAIL_DOMAINS = List.of(
            "gmail.com", "yahoo.com", "outlook.com", "hotmail.co.uk", "web.de", "gmx.de", "orange.fr", "icloud.com");

    /** Values many unrelated people type; identity must treat them as noise, not as a person. */
    static final List<String> JUNK_EMAILS = List.of("test@test.com", "noreply@example.com", "a@a.com", "none@none.com");

    static final List<String> CHANNELS =
            List.of("direct", "organic_search", "paid_search", "social", "email", "display");
    static final double[] CHANNEL_WEIGHTS = {0.3, 0.25, 0.15, 0.12, 0.1, 0.08};
    static final List<String> REFERRERS = List.of(
            "",
            "https://www.google.com/",
            "https://www.google.com/aclk",
            "https://www.facebook.com/",
            "https://mail.example-esp.com/",
            "https://ads.example-dsp.com/");

    static final List<String> PURPOSES = List.of("email_marketing", "ad_targeting", "personalisation", "analytics");

    static final String BOT_USER_AGENT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
}
