package dev.lanyard.sso;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus of malicious and broken Responses (src/test/resources/saml/corpus, listed in
 * corpus.tsv): each is filled with this run's values, signed by the in-test IdP as the manifest
 * says, altered after signing where the attack needs it, posted to the ACS over HTTP, and must be
 * refused (403, no session) with its own reason in the sign-in log.
 */
class CorpusIT {
    static final TestApp app = TestApp.start();
    static final SamlFixture f = new SamlFixture(app, "corpus");
    static {
        f.provision("ann@example.com");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    record Case(String file, String signing, String mutation, String reason) {}

    static List<Case> cases() {
        return SamlIdp.resource("saml/corpus/corpus.tsv").lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t")).map(p -> new Case(p[0], p[1], p[2], p[3])).toList();
    }

    @Test
    void the_corpus_has_at_least_25_cases_and_every_file_is_listed() {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(cases().stream().map(Case::reason).distinct().count()).isGreaterThanOrEqualTo(20);
    }

    @TestFactory
    Stream<DynamicTest> each_response_is_refused_with_its_reason() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.file() + " -> " + c.reason(), () -> {
            String samlResponse = build(c);
            long sessionsBefore = app.count("select count(*) from member_sessions");
            Http.Response r = f.post(samlResponse, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
            assertThat(r.header("Set-Cookie")).isNull();
            var entry = f.lastSignIn();
            assertThat(entry.get("outcome").asText()).isEqualTo("failure");
            assertThat(entry.get("reason").asText()).as(entry.toString()).isEqualTo(c.reason());
            assertThat(entry.get("detail").asText()).isNotBlank();
            assertThat(app.count("select count(*) from member_sessions")).isEqualTo(sessionsBefore);
        }));
    }

    @Test
    void the_same_Response_signed_properly_signs_in_so_the_corpus_fails_for_its_defect_only() {
        var ok = f.post(f.signedResponse("ann@example.com", null), null);
        assertThat(ok.status()).as(ok + " " + f.lastSignIn()).isEqualTo(303);
    }

    @Test
    void an_unknown_certificate_is_named_by_its_fingerprint_in_the_hint() throws Exception {
        f.post(build(new Case("signed-by-another-key", "other", "none", "unknown_certificate")), null);
        var other = SamlIdp.Key.load("other").certificate();
        String fp = java.util.HexFormat.of().withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(other.getEncoded()));
        assertThat(f.lastSignIn().get("hint").asText().replace(":", "")).contains(fp);
    }

    static String build(Case c) {
        String xml = SamlIdp.fill(SamlIdp.resource("saml/corpus/" + c.file() + ".xml"), f.values("ann@example.com", null));
        if (c.mutation().equals("raw")) return SamlIdp.base64(xml);
        if (c.mutation().equals("pad-300k")) return SamlIdp.base64(xml.replace(">Ann<", ">" + "A".repeat(300_000) + "<"));
        Document doc = SamlIdp.parse(xml);
        Element response = doc.getDocumentElement();
        Element assertion = SamlIdp.assertion(doc);
        var idp = SamlIdp.Key.load("idp");
        switch (c.signing()) {
            case "none" -> {}
            case "assertion" -> SamlIdp.sign(assertion, SamlIdp.Signing.with(idp));
            case "response" -> SamlIdp.sign(response, SamlIdp.Signing.with(idp));
            case "other" -> SamlIdp.sign(assertion, SamlIdp.Signing.with(SamlIdp.Key.load("other")));
            case "other-nokeyinfo" -> SamlIdp.sign(assertion, new SamlIdp.Signing(SamlIdp.Key.load("other"), SamlIdp.RSA_SHA256, SamlIdp.SHA256, false));
            case "sha1" -> SamlIdp.sign(assertion, new SamlIdp.Signing(idp, SamlIdp.RSA_SHA1, SamlIdp.SHA1, true));
            default -> throw new IllegalArgumentException("signing " + c.signing());
        }
        Mutations.apply(c.mutation(), doc);
        return SamlIdp.base64(SamlIdp.serialize(doc));
    }

    /** Changes made after signing: the attacks that need a valid signature to start from. */
    static final class Mutations {
        static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
        static final String SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
        static final String DS = "http://www.w3.org/2000/09/xmldsig#";

        static void apply(String mutation, Document doc) {
            if (mutation.equals("none")) return;
            Element response = doc.getDocumentElement();
            Element assertion = SamlIdp.assertion(doc);
            Element nameId = (Element) assertion.getElementsByTagNameNS(SAML, "NameID").item(0);
            switch (mutation) {
                case "tamper-nameid" -> nameId.setTextContent("mallory@example.com");
                case "comment-in-nameid" -> {
                    // The IdP signed "ann@example.com.evil.com" (an address the attacker owns); it becomes
                    // "ann@example.com<!---->.evil.com": the same canonical form, so the signature holds,
                    // and a parser reading the first text node sees ann@example.com.
                    String signed = nameId.getTextContent();
                    nameId.setTextContent(signed.substring(0, signed.length() - ".evil.com".length()));
                    nameId.appendChild(doc.createComment(""));
                    nameId.appendChild(doc.createTextNode(".evil.com"));
                }
                case "xsw-copy-into-extensions" -> {
                    Element extensions = doc.createElementNS(SAMLP, "samlp:Extensions");
                    extensions.appendChild(assertion.cloneNode(true));
                    response.insertBefore(extensions, assertion);
                    ((Element) assertion.getElementsByTagNameNS(SAML, "NameID").item(0)).setTextContent("mallory@example.com");
                }
                case "xsw-evil-first" -> {
                    Element evil = (Element) assertion.cloneNode(true);
                    evil.setAttribute("ID", "_evil");
                    Node sig = evil.getElementsByTagNameNS(DS, "Signature").item(0);
                    evil.removeChild(sig);
                    ((Element) evil.getElementsByTagNameNS(SAML, "NameID").item(0)).setTextContent("mallory@example.com");
                    response.insertBefore(evil, assertion);
                }
                case "xsw-wrap-response" -> {
                    Element outer = (Element) response.cloneNode(false);
                    outer.setAttribute("ID", "_outer");
                    Element evil = (Element) assertion.cloneNode(true);
                    evil.setAttribute("ID", "_evil");
                    ((Element) evil.getElementsByTagNameNS(SAML, "NameID").item(0)).setTextContent("mallory@example.com");
                    for (Node n : children(response)) {
                        if (n instanceof Element e && (e.getLocalName().equals("Issuer") || e.getLocalName().equals("Status"))) {
                            outer.appendChild(e.cloneNode(true));
                        }
                    }
                    outer.appendChild(evil);
                    doc.replaceChild(outer, response);
                    outer.appendChild(response);
                }
                case "xsw-duplicate-id" -> {
                    Element extensions = doc.createElementNS(SAMLP, "samlp:Extensions");
                    Element decoy = doc.createElementNS("urn:example:decoy", "d:Decoy");
                    decoy.setAttribute("ID", assertion.getAttribute("ID"));
                    extensions.appendChild(decoy);
                    response.insertBefore(extensions, assertion);
                }
                case "move-signature-to-response" -> {
                    Node sig = assertion.getElementsByTagNameNS(DS, "Signature").item(0);
                    assertion.removeChild(sig);
                    response.insertBefore(sig, assertion);
                }
                case "signature-into-subject" -> {
                    Node sig = assertion.getElementsByTagNameNS(DS, "Signature").item(0);
                    Element subject = (Element) assertion.getElementsByTagNameNS(SAML, "Subject").item(0);
                    subject.appendChild(sig.cloneNode(true));
                }
                case "add-xpath-transform" -> {
                    Element transforms = (Element) assertion.getElementsByTagNameNS(DS, "Transforms").item(0);
                    Element t = doc.createElementNS(DS, "ds:Transform");
                    t.setAttribute("Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116");
                    Element xpath = doc.createElementNS(DS, "ds:XPath");
                    xpath.setTextContent("not(ancestor-or-self::saml:NameID)");
                    t.appendChild(xpath);
                    transforms.appendChild(t);
                }
                default -> throw new IllegalArgumentException("mutation " + mutation);
            }
        }

        private static List<Node> children(Element e) {
            Node[] out = new Node[e.getChildNodes().getLength()];
            for (int i = 0; i < out.length; i++) out[i] = e.getChildNodes().item(i);
            return Arrays.asList(out);
        }
    }
}
