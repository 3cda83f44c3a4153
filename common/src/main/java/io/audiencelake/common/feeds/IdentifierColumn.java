package io.audiencelake.common.feeds;

/**
 * A column holding an identifier: either of one fixed type, or of the type named row by row in
 * another column ({@code typeColumn}, e.g. a consent feed's subject_type).
 */
public record IdentifierColumn(String column, IdType type, String typeColumn) {}
