package dev.pgroup.core.internal.definition;

import dev.pgroup.core.internal.definition.Placeholders.UnknownPlaceholder;
import dev.pgroup.core.model.DefinitionException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Renders one template file. A file without {@code {{} has nothing to render and is returned byte
 * for byte, whatever its encoding; one with placeholders must be UTF-8, and keeps its line endings
 * (CRLF stays CRLF, a missing final newline stays missing): an HTTP fixture or a Windows batch file
 * must come out as it went in, apart from the placeholders.
 */
public final class TemplateText {
    private TemplateText() {}

    /** @throws DefinitionException naming the template, the line and the process */
    public static byte[] render(byte[] bytes, Placeholders placeholders, Path source, String process) {
        if (!containsOpeningBraces(bytes)) {
            return bytes;
        }
        String text = decode(bytes, source, process);
        StringBuilder out = new StringBuilder(text.length() + 64);
        int lineNumber = 1;
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            try {
                // '\r' before '\n' stays in the line and passes through unchanged.
                out.append(placeholders.render(text.substring(start, end)));
            } catch (UnknownPlaceholder e) {
                throw new DefinitionException(source, lineNumber, process, e.placeholder(), e.getMessage());
            }
            if (newline < 0) {
                break;
            }
            out.append('\n');
            start = newline + 1;
            lineNumber++;
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean containsOpeningBraces(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '{' && bytes[i + 1] == '{') {
                return true;
            }
        }
        return false;
    }

    private static String decode(byte[] bytes, Path source, String process) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new DefinitionException(
                    source,
                    line,
                    process,
                    "templates",
                    String.format(
                            "is not UTF-8 text (byte 0x%02x at offset %d), but it has {{ placeholders to render;"
                                    + " save it as UTF-8, or list it in files = [...] to copy it as it is",
                            bytes[offset] & 0xff, offset));
        }
        out.flip();
        return out.toString();
    }
}
