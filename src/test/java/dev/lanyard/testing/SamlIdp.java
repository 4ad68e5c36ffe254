package dev.lanyard.testing;

import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Inflater;

/**
 * A small SAML IdP for tests: fills a Response template (src/test/resources/saml/...) with this
 * run's values, signs the Assertion and/or the Response with Apache Santuario (RSA-SHA256 unless
 * told otherwise, exclusive c14n, KeyInfo with the certificate, as Okta and Entra ID do), and
 * gives the base64 form the HTTP-POST binding carries.
 */
public final class SamlIdp {
    public static final String ISSUER = "http://idp.test/lanyard";
    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public static final String SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

    static {
        org.apache.xml.security.Init.init();
    }

    /** A signing key and its certificate, from src/test/resources/saml/keys/{name}.key / .crt. */
    public record Key(PrivateKey privateKey, X509Certificate certificate, String pem) {
        public static Key load(String name) {
            try {
                String keyPem = resource("saml/keys/" + name + ".key");
                String certPem = resource("saml/keys/" + name + ".crt");
                byte[] der = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
                X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
                return new Key(key, cert, certPem);
            } catch (Exception e) {
                throw new IllegalStateException("test key " + name, e);
            }
        }
    }

    /** How a signature is made. */
    public record Signing(Key key, String signatureAlgorithm, String digestAlgorithm, boolean keyInfo) {
        public static Signing with(Key key) {
            return new Signing(key, RSA_SHA256, SHA256, true);
        }
    }

    private SamlIdp() {}

    /** The values a template's ${...} placeholders take; change entries to make a broken Response. */
    public static Map<String, String> values(String acsUrl, String audience, String nameId, String inResponseTo) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("RESPONSE_ID", "_r" + UUID.randomUUID());
        v.put("ASSERTION_ID", "_a" + UUID.randomUUID());
        v.put("ISSUER", ISSUER);
        v.put("DESTINATION", acsUrl);
        v.put("RECIPIENT", acsUrl);
        v.put("AUDIENCE", audience);
        v.put("NAME_ID", nameId);
        v.put("IN_RESPONSE_TO", inResponseTo == null ? "" : inResponseTo);
        v.put("NOW", now.toString());
        v.put("NOT_BEFORE", now.minus(Duration.ofMinutes(1)).toString());
        v.put("NOT_ON_OR_AFTER", now.plus(Duration.ofMinutes(5)).toString());
        return v;
    }

    public static String fill(String template, Map<String, String> values) {
        String out = template;
        for (var e : values.entrySet()) out = out.replace("${" + e.getKey() + "}", e.getValue());
        // An empty InResponseTo is left out, as an IdP-initiated Response has none.
        return out.replace(" InResponseTo=\"\"", "");
    }

    public static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Element assertion(Document doc) {
        return (Element) doc.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion").item(0);
    }

    /**
     * Signs {@code element} with an enveloped signature placed where SAML core §5 puts it: right
     * after the element's Issuer.
     */
    public static void sign(Element element, Signing signing) {
        try {
            element.setIdAttributeNS(null, "ID", true);
            Document doc = element.getOwnerDocument();
            XMLSignature sig = new XMLSignature(doc, "", signing.signatureAlgorithm(), EXC_C14N);
            Element issuer = (Element) element.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer").item(0);
            if (issuer != null && issuer.getParentNode() == element) element.insertBefore(sig.getElement(), issuer.getNextSibling());
            else element.insertBefore(sig.getElement(), element.getFirstChild());
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(EXC_C14N);
            sig.addDocument("#" + element.getAttribute("ID"), transforms, signing.digestAlgorithm());
            if (signing.keyInfo()) sig.addKeyInfo(signing.key().certificate());
            sig.sign(signing.key().privateKey());
        } catch (Exception e) {
            throw new IllegalStateException("signing", e);
        }
    }

    public static String serialize(Document doc) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            var out = new ByteArrayOutputStream();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String base64(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The ID of an AuthnRequest sent by HTTP-Redirect: its SAMLRequest is deflated and base64 (bindings §3.4.4.1). */
    public static String requestId(String samlRequest) {
        String xml = requestXml(samlRequest);
        var m = java.util.regex.Pattern.compile(" ID=\"([^\"]+)\"").matcher(xml);
        if (!m.find()) throw new IllegalStateException("no ID in " + xml);
        return m.group(1);
    }

    /** The AuthnRequest XML of an HTTP-Redirect SAMLRequest value. */
    public static String requestXml(String samlRequest) {
        try {
            byte[] deflated = Base64.getDecoder().decode(samlRequest);
            Inflater inflater = new Inflater(true);
            inflater.setInput(deflated);
            byte[] buffer = new byte[64 * 1024];
            int n = inflater.inflate(buffer);
            return new String(buffer, 0, n, StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String resource(String path) {
        try (InputStream in = SamlIdp.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("no test resource " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
