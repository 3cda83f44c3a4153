package io.audiencelake.common.sample;

import java.util.Locale;

/** The ways real feeds spell the same value differently: what ingest must normalise. */
final class Messy {
    private Messy() {}

    static String email(String email, Rng rng) {
        return switch (rng.below(6)) {
            case 0 -> email.toUpperCase(Locale.ROOT);
            case 1 -> "  " + email + " ";
            case 2 -> capitalise(email);
            default -> email;
        };
    }

    private static String capitalise(String email) {
        StringBuilder out = new StringBuilder(email.length());
        boolean start = true;
        for (char c : email.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : c);
            start = c == '.' || c == '@';
        }
        return out.toString();
    }

    /** A national or international spelling of an E.164 number, as people type it. */
    static String phone(String e164, String country, Rng rng) {
        String cc;
        String national;
        switch (country) {
            case "GB" -> {
                cc = "44";
                national = e164.substring(3);
            }
            case "DE" -> {
                cc = "49";
                national = e164.substring(3);
            }
            case "FR" -> {
                cc = "33";
                national = e164.substring(3);
            }
            default -> {
                cc = "1";
                national = e164.substring(2);
            }
        }
        if (cc.equals("1")) {
            String a = national.substring(0, 3);
            String b = national.substring(3, 6);
            String c = national.substring(6);
            return switch (rng.below(4)) {
                case 0 -> "(" + a + ") " + b + "-" + c;
                case 1 -> a + "-" + b + "-" + c;
                case 2 -> "+1 " + a + " " + b + " " + c;
                default -> "1-" + a + "-" + b + "-" + c;
            };
        }
        String head = national.substring(0, 4);
        String tail = national.substring(4);
        return switch (rng.below(5)) {
            case 0 -> "0" + head + " " + tail;
            case 1 -> "+" + cc + " " + head + " " + tail;
            case 2 -> "+" + cc + " (0)" + head + " " + tail;
            case 3 -> "00" + cc + "-" + head + "-" + tail;
            default -> "0" + national;
        };
    }

    /** A one-character typo: a swap, a drop or a wrong letter. */
    static String typo(String text, Rng rng) {
        if (text.length() < 3) {
            return text;
        }
        int i = rng.between(1, text.length() - 2);
        char[] c = text.toCharArray();
        return switch (rng.below(3)) {
            case 0 -> {
                char t = c[i];
                c[i] = c[i + 1];
                c[i + 1] = t;
                yield new String(c);
            }
            case 1 -> text.substring(0, i) + text.substring(i + 1);
            default -> {
                c[i] = (char) ('a' + rng.below(26));
                yield new String(c);
            }
        };
    }
}
