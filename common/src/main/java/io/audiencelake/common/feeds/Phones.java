package io.audiencelake.common.feeds;

import com.google.i18n.phonenumbers.NumberParseException;
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
}
