package io.audiencelake.common.feeds;

import java.util.Locale;

/**
 * Kinds of identifier. Email and phone are personal data: they are normalised, then hashed with
 * SHA-256, and never stored in clear. The others are pseudonymous ids kept as normalised.
 */
public enum IdType {
    EMAIL(true),
    PHONE(true),
    MAID(false),
    COOKIE(false),
    CUSTOMER_ID(false),
    PARTNER_ID(false);

    private final boolean hashed;

    IdType(boolean hashed) {
        this.hashed = hashed;
    }

    public boolean hashed() {
        return hashed;
    }

    /** The name used in tables and in feeds' type columns, e.g. {@code customer_id}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
