package io.audiencelake.common.config;

/**
 * Secrets and rules for personal data.
 *
 * @param linkageKey the secret mixed into q-gram encodings of personal text; every run that must
 *     compare encodings needs the same key, and nobody else should have it
 */
public record PrivacySettings(String linkageKey) {

  /** Never prints the key. */
  @Override
  public String toString() {
    return "PrivacySettings[linkageKey=" + (linkageKey.isEmpty() ? "<unset>" : "<set>") + "]";
  }
}
