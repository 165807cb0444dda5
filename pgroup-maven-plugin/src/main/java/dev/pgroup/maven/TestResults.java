package dev.pgroup.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/** Reads failsafe's {@code failsafe-summary.xml} to learn whether this build's integration tests failed. */
final class TestResults {
    private TestResults() {}

    /**
     * Why the integration tests count as failed, or empty when they passed, did not run, or the
     * summary is older than {@code notBefore} (left by an earlier build).
     */
    static Optional<String> failure(Path summary, Instant notBefore) {
        try {
            if (!Files.isRegularFile(summary)
                    || Files.getLastModifiedTime(summary).toInstant().isBefore(notBefore)) {
                return Optional.empty();
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            Element root = factory.newDocumentBuilder().parse(summary.toFile()).getDocumentElement();
            int failures = number(root, "failures");
            int errors = number(root, "errors");
            String result = root.getAttribute("result");
            boolean timeout = Boolean.parseBoolean(root.getAttribute("timeout"));
            if (failures > 0 || errors > 0) {
                return Optional.of(failures + " failure(s) and " + errors + " error(s) in " + summary);
            }
            // failsafe writes result="null" when every test passed.
            if (!result.isEmpty() && !result.equals("null") && !result.equals("0")) {
                return Optional.of("result " + result + " in " + summary);
            }
            if (timeout) {
                return Optional.of("a timeout in " + summary);
            }
            return Optional.empty();
        } catch (IOException | ParserConfigurationException | SAXException e) {
            return Optional.of("cannot read " + summary + ": " + e);
        }
    }

    private static int number(Element root, String tag) {
        var nodes = root.getElementsByTagName(tag);
        if (nodes.getLength() == 0) {
            return 0;
        }
        try {
            return Integer.parseInt(nodes.item(0).getTextContent().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
