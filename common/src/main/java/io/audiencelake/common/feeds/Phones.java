package io.audiencelake.common.feeds;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** Phone numbers to E.164 with libphonenumber: the one normal form hashing needs. */
public final class Phones {
    private Phones() {}

    /**
     * The number in E.164 ({@code +447700900123}), reading national numbers as of {@code country};
     * null when the text is not a valid number there.
     */
    public static String e164(String text, String country) {
        if (text == null || text.isBlank()) {
            return null;
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            PhoneNumber number = util.parse(text, country == null ? "ZZ" : country);
            return util.isValidNumber(number) ? util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * {@code text} with every phone number libphonenumber's matcher finds (any national or international
     * format, read as of {@code country}) replaced by {@code [phone]}. For text of unknown shape, such as a
     * quarantined line; the matcher gives up on text of more than a few thousand characters' worth of
     * candidates, which is why callers also apply a plain digit-run mask.
     */
    public static String mask(String text, String country) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (PhoneNumberMatch m :
                util.findNumbers(text, country == null ? "ZZ" : country, PhoneNumberUtil.Leniency.VALID, 10_000)) {
            out.append(text, at, m.start()).append("[phone]");
            at = m.end();
        }
        return out.append(text.substring(at)).toString();
    }
}
