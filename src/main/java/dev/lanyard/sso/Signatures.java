package dev.lanyard.sso;

import dev.lanyard.sso.Refusal.Reason;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * XML signatures on a Response or its Assertion (SAML core §5), checked with Apache Santuario in
 * its secure-validation mode, plus what Santuario leaves to the caller:
 * <ul>
 * <li>the signature is a direct child of the element it signs, with one Reference whose URI is
 *     "#" + that element's ID, so what was verified is exactly what is read (XSW);</li>
 * <li>only the transforms SAML core §5.4.4 allows (enveloped signature, exclusive c14n without
 *     comments) and the same for canonicalization;</li>
 * <li>algorithms: SHA-1 (signature or digest) only when the organization allows it;</li>
 * <li>the key is one of the organization's configured certificates, never the one in KeyInfo;
 *     a KeyInfo certificate that is not configured is named in the refusal (rollover hint).</li>
 * </ul>
 */
final class Signatures {
    record Result(boolean response, boolean assertion, String fingerprint) {}

    static final String ENVELOPED = Transforms.TRANSFORM_ENVELOPED_SIGNATURE;
    static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    private static final Set<String> STRONG_SIGNATURES = Set.of(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512");
    private static final Set<String> SHA1_SIGNATURES = Set.of(
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1");
    private static final Set<String> STRONG_DIGESTS = Set.of(
            "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384",
            "http://www.w3.org/2001/04/xmlenc#sha512");
    private static final String SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1";

    static {
        org.apache.xml.security.Init.init();
    }

    private Signatures() {}

    static Result verify(Element response, Element assertion, SamlSettings settings) throws Refusal {
        checkPlacement(response.getOwnerDocument().getDocumentElement(), response, assertion);
        Optional<Element> onResponse = ResponseVerifier.child(response, XMLSignature_NS, "Signature");
        Optional<Element> onAssertion = ResponseVerifier.child(assertion, XMLSignature_NS, "Signature");
        if (onResponse.isEmpty() && onAssertion.isEmpty()) {
            throw new Refusal(Reason.UNSIGNED, "neither the Response nor the Assertion is signed",
                    "make the IdP sign the assertion (Okta and Entra ID do by default)");
        }
        String fingerprint = null;
        if (onResponse.isPresent()) fingerprint = verifyOne(onResponse.get(), response, settings);
        if (onAssertion.isPresent()) fingerprint = verifyOne(onAssertion.get(), assertion, settings);
        return new Result(onResponse.isPresent(), onAssertion.isPresent(), fingerprint);
    }

    static final String XMLSignature_NS = "http://www.w3.org/2000/09/xmldsig#";

    /** Signatures may sit only right under the Response or the Assertion: any other one is a wrapper's leftover. */
    private static void checkPlacement(Element root, Element response, Element assertion) throws Refusal {
        NodeList all = root.getElementsByTagNameNS(XMLSignature_NS, "Signature");
        for (int i = 0; i < all.getLength(); i++) {
            var parent = all.item(i).getParentNode();
            if (parent != response && parent != assertion) {
                throw new Refusal(Reason.SIGNATURE_REFERENCE, "a Signature sits inside " + parent.getNodeName()
                        + "; only the Response and the Assertion may be signed");
            }
        }
        if (ResponseVerifier.children(response, XMLSignature_NS, "Signature").size() > 1
                || ResponseVerifier.children(assertion, XMLSignature_NS, "Signature").size() > 1) {
            throw new Refusal(Reason.SIGNATURE_REFERENCE, "an element carries more than one Signature");
        }
    }

    /** The fingerprint of the configured certificate that verified the signature. */
    private static String verifyOne(Element signatureElement, Element signed, SamlSettings settings) throws Refusal {
        String what = signed.getLocalName();
        XMLSignature signature;
        try {
            signature = new XMLSignature(signatureElement, "", true);
        } catch (XMLSecurityException e) {
            throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + "'s Signature cannot be read: " + e.getMessage());
        }
        SignedInfo info = signature.getSignedInfo();
        if (info.getLength() != 1) {
            throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + "'s Signature has " + info.getLength() + " References; exactly one is accepted");
        }
        checkAlgorithms(info, what, settings.allowSha1());
        Reference reference;
        try {
            reference = info.item(0);
            if (!("#" + signed.getAttribute("ID")).equals(reference.getURI())) {
                throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + "'s Signature references \"" + reference.getURI()
                        + "\", not the " + what + " itself (#" + signed.getAttribute("ID") + "): signature wrapping");
            }
            checkTransforms(reference, what);
            String digest = reference.getMessageDigestAlgorithm().getAlgorithmURI();
            if (SHA1_DIGEST.equals(digest)) {
                if (!settings.allowSha1()) throw weak(what, "SHA-1 digest");
            } else if (!STRONG_DIGESTS.contains(digest)) {
                throw new Refusal(Reason.UNSUPPORTED_ALGORITHM, "the " + what + "'s digest algorithm " + digest + " is not accepted");
            }
        } catch (XMLSecurityException e) {
            throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + "'s Signature reference cannot be read: " + e.getMessage());
        }

        for (IdpCertificate cert : settings.certificates()) {
            if (checks(signature, cert.x509())) return cert.fingerprint();
        }
        Optional<X509Certificate> presented = presented(signature);
        if (presented.isPresent() && checks(signature, presented.get())) {
            String fp;
            try {
                fp = IdpCertificate.colons(IdpCertificate.sha256(presented.get().getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                fp = "(unreadable)";
            }
            throw new Refusal(Reason.UNKNOWN_CERTIFICATE, "the " + what + " is signed with a certificate that is not configured; its SHA-256 fingerprint is " + fp,
                    "if the IdP rolled its signing certificate over, add the new certificate (fingerprint " + fp + ") under SAML settings");
        }
        throw new Refusal(Reason.BAD_SIGNATURE, "the " + what + "'s signature does not verify with any configured IdP certificate "
                + "(the content was changed after signing, or another key signed it)",
                "compare the certificate in the IdP with the fingerprints under SAML settings");
    }

    private static boolean checks(XMLSignature signature, X509Certificate cert) {
        try {
            return signature.checkSignatureValue(cert.getPublicKey());
        } catch (XMLSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<X509Certificate> presented(XMLSignature signature) {
        try {
            KeyInfo keyInfo = signature.getKeyInfo();
            return keyInfo == null ? Optional.empty() : Optional.ofNullable(keyInfo.getX509Certificate());
        } catch (XMLSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void checkAlgorithms(SignedInfo info, String what, boolean allowSha1) throws Refusal {
        String method = info.getSignatureMethodURI();
        if (SHA1_SIGNATURES.contains(method)) {
            if (!allowSha1) throw weak(what, "SHA-1 signature");
        } else if (!STRONG_SIGNATURES.contains(method)) {
            throw new Refusal(Reason.UNSUPPORTED_ALGORITHM, "the " + what + "'s signature algorithm " + method + " is not accepted");
        }
        if (!EXC_C14N.equals(info.getCanonicalizationMethodURI())) {
            throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + " is canonicalized with " + info.getCanonicalizationMethodURI()
                    + "; SAML requires exclusive canonicalization without comments");
        }
    }

    private static void checkTransforms(Reference reference, String what) throws XMLSecurityException, Refusal {
        Transforms transforms = reference.getTransforms();
        int n = transforms == null ? 0 : transforms.getLength();
        for (int i = 0; i < n; i++) {
            String uri = transforms.item(i).getURI();
            if (!List.of(ENVELOPED, EXC_C14N).contains(uri)) {
                throw new Refusal(Reason.SIGNATURE_REFERENCE, "the " + what + "'s Signature uses the transform " + uri
                        + "; only enveloped-signature and exclusive c14n are accepted");
            }
        }
    }

    private static Refusal weak(String what, String algorithm) {
        return new Refusal(Reason.WEAK_ALGORITHM, "the " + what + " uses a " + algorithm + ", which is refused as too weak",
                "make the IdP sign with SHA-256 (Okta: Signature Algorithm RSA-SHA256; Entra ID: Signing algorithm SHA-256), "
                        + "or allow SHA-1 for this organization under SAML settings");
    }
}
