package dev.lanyard.sso;

import dev.lanyard.sso.Refusal.Reason;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a SAML Response (HTTP-POST binding, SAML bindings §3.5) against an organization's
 * settings, without the database. Every check refuses with its own {@link Reason}; they run in
 * the order below so the first failure is the one reported.
 *
 * <ol>
 * <li>parsing: base64, size, no DOCTYPE (XXE), depth ({@link SafeXml})</li>
 * <li>shape: a samlp:Response 2.0 with Status Success and exactly one saml:Assertion, a direct child;
 *     no EncryptedAssertion (not supported: the IdP must send it unencrypted over TLS); no
 *     duplicate IDs anywhere (signature wrapping, XSW)</li>
 * <li>signature ({@link Signatures}): on the Response or the Assertion (or both, then both valid),
 *     each a direct child of what it signs, referencing that element's ID and nothing else, with
 *     only the enveloped-signature and exclusive c14n transforms; RSA or ECDSA with SHA-256 or
 *     better (SHA-1 only if the organization allows it); valid with one of the configured
 *     certificates</li>
 * <li>Issuer (Response, if present, and Assertion) is the IdP's entity ID; Destination, if present,
 *     is the ACS URL and must be present when the Response is signed (SAML profiles §4.1.4.5)</li>
 * <li>a bearer SubjectConfirmation whose Recipient is the ACS URL, NotOnOrAfter in the future and
 *     InResponseTo equal to the Response's (profiles §4.1.4.2)</li>
 * <li>Conditions: NotBefore / NotOnOrAfter with {@link #SKEW}, and an AudienceRestriction naming
 *     the SP entity ID (core §2.5.1.4)</li>
 * <li>NameID is plain text (a comment or element inside it is the "comment truncation" attack);
 *     the email comes from it or from the configured attribute</li>
 * <li>java-saml's own validation of the same Response, as a second opinion ({@link LibraryCheck})</li>
 * </ol>
 */
public final class ResponseVerifier {
    /** Clock skew allowed between the IdP and us. */
    static final Duration SKEW = Duration.ofMinutes(2);
    static final int MAX_BASE64_CHARS = SafeXml.MAX_BYTES * 4 / 3 + 4;
    static final String NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
    static final String NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

    private ResponseVerifier() {}

    public static VerifiedAssertion verify(String samlResponse, SamlSettings settings, SpValues sp, Instant now) throws Refusal {
        if (!settings.complete()) {
            throw new Refusal(Reason.NOT_CONFIGURED, "SAML is not configured for this organization: it still needs "
                    + String.join(", ", settings.missing()), "complete Organization > SAML single sign-on");
        }
        byte[] xml = decode(samlResponse);
        Document doc = parse(xml);
        Element response = doc.getDocumentElement();
        if (!NS_SAMLP.equals(response.getNamespaceURI()) || !"Response".equals(response.getLocalName())) {
            throw new Refusal(Reason.NOT_A_RESPONSE, "the message is not a SAML Response but a " + response.getLocalName());
        }
        if (!"2.0".equals(response.getAttribute("Version")) || response.getAttribute("ID").isEmpty()) {
            throw new Refusal(Reason.BAD_VERSION, "the Response is not SAML 2.0 or has no ID");
        }
        checkStatus(response);
        if (!(doc.getElementsByTagNameNS(NS_SAML, "EncryptedAssertion").getLength() == 0)) {
            throw new Refusal(Reason.ENCRYPTED_ASSERTION, "the assertion is encrypted; Lanyard does not decrypt assertions",
                    "turn assertion encryption off in the IdP (the assertion is signed and travels over TLS)");
        }
        Element assertion = theAssertion(doc, response);
        Ids.checkUnique(doc);
        response.setIdAttributeNS(null, "ID", true);
        assertion.setIdAttributeNS(null, "ID", true);
        if (assertion.getAttribute("ID").isEmpty() || !"2.0".equals(assertion.getAttribute("Version"))) {
            throw new Refusal(Reason.BAD_VERSION, "the Assertion is not SAML 2.0 or has no ID");
        }

        Signatures.Result signed = Signatures.verify(response, assertion, settings);

        String idp = settings.idpEntityId();
        Optional<Element> responseIssuer = child(response, NS_SAML, "Issuer");
        if (responseIssuer.isPresent() && !idp.equals(text(responseIssuer.get()))) {
            throw wrongIssuer(text(responseIssuer.get()), idp);
        }
        String assertionIssuer = child(assertion, NS_SAML, "Issuer").map(ResponseVerifier::text).orElse("");
        if (!idp.equals(assertionIssuer)) throw wrongIssuer(assertionIssuer, idp);

        String destination = response.getAttribute("Destination");
        if (!destination.isEmpty() ? !destination.equals(sp.acsUrl()) : signed.response()) {
            throw new Refusal(Reason.WRONG_DESTINATION, "the Response's Destination is \"" + destination + "\", not this organization's ACS URL "
                    + sp.acsUrl(), "set the IdP's Single sign-on URL (ACS URL) to " + sp.acsUrl());
        }
        Optional<String> inResponseTo = Optional.of(response.getAttribute("InResponseTo")).filter(s -> !s.isEmpty());

        Element subject = child(assertion, NS_SAML, "Subject")
                .orElseThrow(() -> new Refusal(Reason.NO_BEARER_CONFIRMATION, "the Assertion has no Subject"));
        Instant expiresAt = checkSubjectConfirmation(subject, sp, inResponseTo, now);
        Element conditions = child(assertion, NS_SAML, "Conditions")
                .orElseThrow(() -> new Refusal(Reason.WRONG_AUDIENCE, "the Assertion has no Conditions, so no Audience"));
        Instant conditionsEnd = checkConditions(conditions, sp, now);
        if (conditionsEnd.isBefore(expiresAt)) expiresAt = conditionsEnd;

        Element nameIdElement = child(subject, NS_SAML, "NameID")
                .orElseThrow(() -> new Refusal(Reason.NO_EMAIL, "the Subject has no NameID (an EncryptedID is not supported)"));
        String nameId = plainText(nameIdElement, "NameID");
        Map<String, List<String>> attributes = attributes(assertion);
        String email = email(nameId, attributes, settings);

        LibraryCheck.verify(samlResponse, settings, sp, inResponseTo);
        return new VerifiedAssertion(assertion.getAttribute("ID"), inResponseTo, nameId,
                nameIdElement.getAttribute("Format"), attributes, email, expiresAt, signed.fingerprint());
    }

    private static byte[] decode(String samlResponse) throws Refusal {
        if (samlResponse == null || samlResponse.isBlank()) throw new Refusal(Reason.NOT_BASE64, "the request carries no SAMLResponse");
        if (samlResponse.length() > MAX_BASE64_CHARS) {
            throw new Refusal(Reason.TOO_LARGE, "the SAMLResponse has " + samlResponse.length() + " characters, more than the "
                    + MAX_BASE64_CHARS + " allowed");
        }
        try {
            // Line breaks are allowed (some IdPs wrap at 76 characters); anything else outside the alphabet is not.
            return Base64.getDecoder().decode(samlResponse.replaceAll("[\\r\\n\\t ]", ""));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.NOT_BASE64, "the SAMLResponse is not base64: " + e.getMessage());
        }
    }

    private static Document parse(byte[] xml) throws Refusal {
        try {
            return SafeXml.parse(xml);
        } catch (SafeXml.Refused e) {
            Reason reason = switch (e.problem) {
                case TOO_LARGE -> Reason.TOO_LARGE;
                case DOCTYPE -> Reason.DOCTYPE;
                case TOO_DEEP -> Reason.TOO_DEEP;
                case MALFORMED -> Reason.MALFORMED;
            };
            throw new Refusal(reason, e.getMessage());
        }
    }

    private static void checkStatus(Element response) throws Refusal {
        String code = child(response, NS_SAMLP, "Status").flatMap(s -> child(s, NS_SAMLP, "StatusCode"))
                .map(c -> c.getAttribute("Value")).orElse("");
        if (!SUCCESS.equals(code)) {
            String message = child(response, NS_SAMLP, "Status").flatMap(s -> child(s, NS_SAMLP, "StatusMessage"))
                    .map(ResponseVerifier::text).orElse("");
            throw new Refusal(Reason.STATUS_NOT_SUCCESS, "the IdP answered with status " + (code.isEmpty() ? "(none)" : code)
                    + (message.isEmpty() ? "" : ": " + message), "the IdP refused the sign-in; its own log says why");
        }
    }

    /** Exactly one Assertion in the whole document, and it is a direct child of the Response. */
    private static Element theAssertion(Document doc, Element response) throws Refusal {
        NodeList all = doc.getElementsByTagNameNS(NS_SAML, "Assertion");
        if (all.getLength() != 1) {
            throw new Refusal(Reason.ASSERTION_COUNT, "the Response holds " + all.getLength() + " Assertions; exactly one is accepted");
        }
        Element assertion = (Element) all.item(0);
        if (assertion.getParentNode() != response) {
            throw new Refusal(Reason.ASSERTION_COUNT, "the Assertion is not a direct child of the Response (it is inside "
                    + assertion.getParentNode().getNodeName() + ")");
        }
        return assertion;
    }

    private static Instant checkSubjectConfirmation(Element subject, SpValues sp, Optional<String> inResponseTo, Instant now) throws Refusal {
        Refusal first = null;
        for (Element confirmation : children(subject, NS_SAML, "SubjectConfirmation")) {
            if (!BEARER.equals(confirmation.getAttribute("Method"))) continue;
            Optional<Element> data = child(confirmation, NS_SAML, "SubjectConfirmationData");
            try {
                if (data.isEmpty()) throw new Refusal(Reason.NO_BEARER_CONFIRMATION, "the bearer SubjectConfirmation has no SubjectConfirmationData");
                Element d = data.get();
                if (!sp.acsUrl().equals(d.getAttribute("Recipient"))) {
                    throw new Refusal(Reason.WRONG_RECIPIENT, "the Recipient is \"" + d.getAttribute("Recipient") + "\", not this organization's ACS URL "
                            + sp.acsUrl(), "set the IdP's Recipient / ACS URL to " + sp.acsUrl());
                }
                String dataInResponseTo = d.getAttribute("InResponseTo");
                if (!dataInResponseTo.equals(inResponseTo.orElse(""))) {
                    throw new Refusal(Reason.UNKNOWN_REQUEST, "the SubjectConfirmationData answers request \"" + dataInResponseTo
                            + "\" but the Response answers \"" + inResponseTo.orElse("") + "\"");
                }
                Instant notOnOrAfter = instant(d, "NotOnOrAfter").orElseThrow(() ->
                        new Refusal(Reason.NO_BEARER_CONFIRMATION, "the bearer SubjectConfirmationData has no NotOnOrAfter"));
                if (!now.minus(SKEW).isBefore(notOnOrAfter)) {
                    throw new Refusal(Reason.EXPIRED, "the assertion expired at " + notOnOrAfter + " (SubjectConfirmationData NotOnOrAfter)",
                            "check the clocks of the IdP and of Lanyard");
                }
                Optional<Instant> notBefore = instant(d, "NotBefore");
                if (notBefore.isPresent() && notBefore.get().isAfter(now.plus(SKEW))) {
                    throw new Refusal(Reason.NOT_YET_VALID, "the assertion is valid only from " + notBefore.get(), "check the clocks of the IdP and of Lanyard");
                }
                return notOnOrAfter.plus(SKEW);
            } catch (Refusal r) {
                if (first == null) first = r;
            }
        }
        throw first != null ? first : new Refusal(Reason.NO_BEARER_CONFIRMATION, "the Subject has no bearer SubjectConfirmation");
    }

    private static Instant checkConditions(Element conditions, SpValues sp, Instant now) throws Refusal {
        Optional<Instant> notBefore = instant(conditions, "NotBefore");
        if (notBefore.isPresent() && notBefore.get().isAfter(now.plus(SKEW))) {
            throw new Refusal(Reason.NOT_YET_VALID, "the assertion is valid only from " + notBefore.get() + " (Conditions NotBefore)",
                    "check the clocks of the IdP and of Lanyard");
        }
        Optional<Instant> notOnOrAfter = instant(conditions, "NotOnOrAfter");
        if (notOnOrAfter.isPresent() && !now.minus(SKEW).isBefore(notOnOrAfter.get())) {
            throw new Refusal(Reason.EXPIRED, "the assertion expired at " + notOnOrAfter.get() + " (Conditions NotOnOrAfter)",
                    "check the clocks of the IdP and of Lanyard");
        }
        List<Element> restrictions = children(conditions, NS_SAML, "AudienceRestriction");
        if (restrictions.isEmpty()) {
            throw new Refusal(Reason.WRONG_AUDIENCE, "the Assertion names no Audience; it must be this organization's SP entity ID "
                    + sp.entityId(), "set the IdP's Audience URI (SP Entity ID) to " + sp.entityId());
        }
        // Each AudienceRestriction must be satisfied on its own (core §2.5.1.4).
        for (Element restriction : restrictions) {
            List<String> audiences = new ArrayList<>();
            for (Element a : children(restriction, NS_SAML, "Audience")) audiences.add(text(a));
            if (!audiences.contains(sp.entityId())) {
                throw new Refusal(Reason.WRONG_AUDIENCE, "the Assertion is meant for " + audiences + ", not for this organization's SP entity ID "
                        + sp.entityId(), "set the IdP's Audience URI (SP Entity ID) to " + sp.entityId());
            }
        }
        return notOnOrAfter.orElse(now.plus(Duration.ofHours(1)));
    }

    private static Map<String, List<String>> attributes(Element assertion) throws Refusal {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Element statement : children(assertion, NS_SAML, "AttributeStatement")) {
            for (Element attribute : children(statement, NS_SAML, "Attribute")) {
                List<String> values = out.computeIfAbsent(attribute.getAttribute("Name"), k -> new ArrayList<>());
                for (Element v : children(attribute, NS_SAML, "AttributeValue")) values.add(plainText(v, "attribute " + attribute.getAttribute("Name")));
            }
        }
        return out;
    }

    private static String email(String nameId, Map<String, List<String>> attributes, SamlSettings settings) throws Refusal {
        String email;
        if (settings.matchAttribute().isPresent()) {
            String name = settings.matchAttribute().get();
            List<String> values = attributes.getOrDefault(name, List.of());
            if (values.size() != 1) {
                throw new Refusal(Reason.NO_EMAIL, "the attribute \"" + name + "\" has " + values.size() + " values; exactly one email is needed",
                        "map the user's email to the attribute \"" + name + "\" in the IdP, or match on the NameID");
            }
            email = values.getFirst().strip();
        } else {
            email = nameId.strip();
        }
        if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new Refusal(Reason.NO_EMAIL, "\"" + email + "\" is not an email address",
                    "set the IdP's Name ID format to EmailAddress and the application username to Email");
        }
        return email;
    }

    /**
     * The text of an element that must hold only text. A comment splits the text in two, and
     * parsers that read the first text node only turn "ann@example.com<!---->.evil.com" into
     * "ann@example.com" (the 2018 comment-truncation CVEs): refused outright instead.
     */
    private static String plainText(Element e, String what) throws Refusal {
        StringBuilder out = new StringBuilder();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            switch (n.getNodeType()) {
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> out.append(n.getNodeValue());
                default -> throw new Refusal(Reason.NAMEID_TAMPERED, "the " + what + " contains a comment or an element, "
                        + "which a signed assertion never needs (an attempt to change the value a parser sees)");
            }
        }
        return out.toString();
    }

    private static Refusal wrongIssuer(String issuer, String expected) {
        return new Refusal(Reason.WRONG_ISSUER, "the Issuer is \"" + issuer + "\", not the configured IdP entity ID \"" + expected + "\"",
                "copy the IdP's entity ID (Okta: Identity Provider Issuer; Entra ID: Microsoft Entra Identifier) into SAML settings");
    }

    private static Optional<Instant> instant(Element e, String attribute) throws Refusal {
        String value = e.getAttribute(attribute);
        if (value.isEmpty()) return Optional.empty();
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException ex) {
            throw new Refusal(Reason.MALFORMED, attribute + " \"" + value + "\" is not a dateTime");
        }
    }

    static String text(Element e) {
        return e.getTextContent().strip();
    }

    static Optional<Element> child(Element parent, String ns, String localName) {
        List<Element> found = children(parent, ns, localName);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    static List<Element> children(Element parent, String ns, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) out.add(e);
        }
        return out;
    }

    /** Every ID-like attribute value in the document is unique: a second element with the signed ID is the XSW trick. */
    static final class Ids {
        static void checkUnique(Document doc) throws Refusal {
            Set<String> seen = new HashSet<>();
            NodeList all = doc.getElementsByTagName("*");
            for (int i = 0; i < all.getLength(); i++) {
                Element e = (Element) all.item(i);
                for (String name : new String[] {"ID", "Id", "id"}) {
                    String v = e.getAttribute(name);
                    if (!v.isEmpty() && !seen.add(v)) {
                        throw new Refusal(Reason.DUPLICATE_ID, "the ID \"" + v + "\" appears twice in the Response (signature wrapping)");
                    }
                }
            }
        }
    }
}
