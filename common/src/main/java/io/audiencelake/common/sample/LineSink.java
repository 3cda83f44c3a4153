package io.audiencelake.common.sample;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Writes UTF-8 lines to a file, gzipped or not, counting them. */
final class LineSink implements AutoCloseable {
    private final Writer writer;
    private long lines;

    LineSink(OutputStream out, boolean gzip) throws IOException {
        // GZIPOutputStream writes no name and a zero mtime: the same lines give the same bytes.
        OutputStream stream = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
        this.writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    }

    void line(String text) throws IOException {
        writer.write(text);
        writer.write('\n');
        lines++;
    }

    long lines() {
        return lines;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
