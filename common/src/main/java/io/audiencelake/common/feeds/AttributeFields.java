package io.audiencelake.common.feeds;

import java.util.List;

/**
 * How a record feed's rows become attributes of their subject: either named columns, one attribute
 * each ({@code columns}), or one attribute per row whose name and value are in two columns
 * ({@code nameColumn} / {@code valueColumn}, with an optional prefix such as {@code consent.}).
 *
 * @param subject the identifier column the attributes are about
 */
public record AttributeFields(
        String subject, List<String> columns, String nameColumn, String valueColumn, String namePrefix) {

    public AttributeFields {
        columns = List.copyOf(columns);
    }

    public boolean longFormat() {
        return nameColumn != null;
    }
}
