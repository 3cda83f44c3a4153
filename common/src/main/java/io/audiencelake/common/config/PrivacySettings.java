package io.audiencelake.common.config;

/**
 * Secrets and rules for personal data.
 *
 * @param linkageKey the secret mixed into q-gram encodings of personal text; every run that must
 *     compare encodings needs the same key, and nobody else should have it
 * @param erasureHistoryHours how much table history (time travel) the erase job keeps after deleting a
 *     person: older versions, which still hold the person, are purged. 0 (the default) purges at once, as
 *     the GDPR's "without undue delay" asks; a longer window keeps time travel for other users but leaves
 *     the erased data readable in history until a later run purges it.
 */
public record PrivacySettings(String linkageKey, int erasureHistoryHours) {

    public PrivacySettings(String linkageKey) {
        this(linkageKey, 0);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "PrivacySettings[linkageKey=" + (linkageKey.isEmpty() ? "<unset>" : "<set>") + ", erasureHistoryHours="
                + erasureHistoryHours + "]";
    }
}
