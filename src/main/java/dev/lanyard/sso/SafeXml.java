package dev.lanyard.sso;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The only way SAML XML (Responses, IdP metadata) is parsed here: namespace-aware, comments kept
 * (so a comment inside a NameID is seen, not silently dropped), and refusing what attacks use:
 * any DOCTYPE (so no entity, internal or external: XXE and "billion laughs"), documents larger
 * than {@link #MAX_BYTES}, nesting deeper than {@link #MAX_DEPTH}. A SAML message never needs a
 * DTD (SAML core §1.3, the schemas are XSD).
 */
final class SafeXml {
    static final int MAX_BYTES = 256 * 1024;
    static final int MAX_DEPTH = 48;

    /** Why a document was not parsed. */
    enum Problem { TOO_LARGE, DOCTYPE, TOO_DEEP, MALFORMED }

    static final class Refused extends Exception {
        final Problem problem;

        Refused(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }
    }

    private SafeXml() {}

    static Document parse(byte[] xml) throws Refused {
        if (xml.length > MAX_BYTES) {
            throw new Refused(Problem.TOO_LARGE, "the XML has " + xml.length + " bytes, more than the " + MAX_BYTES + " allowed");
        }
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(SILENT);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            Document doc = builder.parse(new InputSource(new ByteArrayInputStream(xml)));
            if (doc.getDoctype() != null) throw new Refused(Problem.DOCTYPE, "the XML has a DOCTYPE, which SAML never needs");
            return doc;
        } catch (SAXParseException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("DOCTYPE")) throw new Refused(Problem.DOCTYPE, "the XML has a DOCTYPE (entity declarations are refused: XXE)");
            if (m.contains("maxElementDepth") || m.contains("depth")) {
                throw new Refused(Problem.TOO_DEEP, "the XML is nested deeper than " + MAX_DEPTH + " levels");
            }
            throw new Refused(Problem.MALFORMED, "the XML is not well-formed: " + m);
        } catch (SAXException | IOException e) {
            throw new Refused(Problem.MALFORMED, "the XML is not well-formed: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setIgnoringComments(false);
        f.setCoalescing(false);
        f.setExpandEntityReferences(false);
        f.setXIncludeAware(false);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // JDK limit (jdk.xml.maxElementDepth): the parser stops at this depth instead of building it.
        f.setAttribute("jdk.xml.maxElementDepth", MAX_DEPTH);
        return f;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override public void warning(SAXParseException e) {}
        @Override public void error(SAXParseException e) throws SAXException { throw e; }
        @Override public void fatalError(SAXParseException e) throws SAXException { throw e; }
    };
}
