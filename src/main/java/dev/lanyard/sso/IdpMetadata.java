package dev.lanyard.sso;

import com.onelogin.saml2.settings.IdPMetadataParser;
import com.onelogin.saml2.settings.SettingsBuilder;
import com.onelogin.saml2.util.Constants;
import dev.lanyard.domain.DomainException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.xpath.XPathException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an IdP's SAML metadata (SAML metadata §2.4.3 IDPSSODescriptor) says: its entity ID, where
 * to send an AuthnRequest by HTTP-Redirect, and its signing certificates (KeyDescriptor with
 * use="signing" or no use; several during a rollover). Parsed by {@link SafeXml} (no DOCTYPE,
 * size and depth bounded), then read with java-saml's IdPMetadataParser.
 */
record IdpMetadata(String entityId, String ssoUrl, List<IdpCertificate> certificates) {
    static final int MAX_CERTIFICATES = 10;

    static IdpMetadata parse(byte[] xml) {
        Document doc;
        try {
            doc = SafeXml.parse(xml);
        } catch (SafeXml.Refused e) {
            throw new DomainException.Invalid("the metadata was refused: " + e.getMessage());
        }
        Map<String, Object> info;
        try {
            info = IdPMetadataParser.parseXML(doc, null, null, Constants.BINDING_HTTP_REDIRECT, Constants.BINDING_HTTP_REDIRECT);
        } catch (XPathException e) {
            throw new DomainException.Invalid("the metadata could not be read: " + e.getMessage());
        }
        String entityId = (String) info.get(SettingsBuilder.IDP_ENTITYID_PROPERTY_KEY);
        String ssoUrl = (String) info.get(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_URL_PROPERTY_KEY);
        String binding = (String) info.get(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_BINDING_PROPERTY_KEY);
        if (entityId == null) throw new DomainException.Invalid("the metadata has no IDPSSODescriptor with an entityID: is it the IdP's metadata (not an SP's)?");
        if (ssoUrl == null || !Constants.BINDING_HTTP_REDIRECT.equals(binding)) {
            throw new DomainException.Invalid("the metadata has no SingleSignOnService with the HTTP-Redirect binding, which Lanyard sends its AuthnRequest with");
        }
        List<IdpCertificate> certs = signingCertificates(doc);
        if (certs.isEmpty()) throw new DomainException.Invalid("the metadata has no signing certificate (KeyDescriptor)");
        return new IdpMetadata(entityId.strip(), SamlSettingsService.checkUrl(ssoUrl.strip(), "the SSO URL in the metadata"), certs);
    }

    static IdpMetadata parse(String xml) {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static List<IdpCertificate> signingCertificates(Document doc) {
        List<IdpCertificate> out = new ArrayList<>();
        NodeList descriptors = doc.getElementsByTagNameNS(Constants.NS_MD, "IDPSSODescriptor");
        if (descriptors.getLength() == 0) return out;
        NodeList keys = ((Element) descriptors.item(0)).getElementsByTagNameNS(Constants.NS_MD, "KeyDescriptor");
        for (int i = 0; i < keys.getLength(); i++) {
            Element key = (Element) keys.item(i);
            if ("encryption".equals(key.getAttribute("use"))) continue;
            NodeList x509 = key.getElementsByTagNameNS(Constants.NS_DS, "X509Certificate");
            for (int j = 0; j < x509.getLength(); j++) {
                IdpCertificate cert = IdpCertificate.parse(x509.item(j).getTextContent());
                if (out.stream().noneMatch(c -> c.sha256().equals(cert.sha256()))) out.add(cert);
                if (out.size() > MAX_CERTIFICATES) throw new DomainException.Invalid("the metadata has more than " + MAX_CERTIFICATES + " signing certificates");
            }
        }
        return out;
    }
}
