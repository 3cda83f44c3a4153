package io.audiencelake.common.feeds;

/**
 * A column holding an identifier: either of one fixed type, or of the type named row by row in
 * another column ({@code typeColumn}, e.g. a consent feed's subject_type).
 *
 * @param hashed the feed sends email and phone already as the lake stores them (SHA-256 of the normalised value,
 *     e.g. a destination's responses about identifiers we sent it): taken as 64 hex digits, never hashed again; a
 *     value that is not such a digest is invalid (quarantined)
 */
public record IdentifierColumn(String column, IdType type, String typeColumn, boolean hashed) {
    public IdentifierColumn(String column, IdType type, String typeColumn) {
        this(column, type, typeColumn, false);
    }
}
