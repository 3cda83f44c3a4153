package io.audiencelake.common.sample;

/** Joins fields into one delimited line, quoting only where the value needs it (RFC 4180). */
final class Csv {
    private Csv() {}

    static String line(char delimiter, Object... fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(delimiter);
            }
            String value = fields[i] == null ? "" : fields[i].toString();
            if (value.indexOf(delimiter) >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0) {
                out.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                out.append(value);
            }
        }
        return out.toString();
    }
}
