package dev.lanyard.sso;

import java.util.UUID;

/**
 * What the organization's admin pastes into the IdP for Lanyard as a SAML service provider.
 *
 * <pre>
 * entity ID (Audience)   {base}/sso/{orgId}/metadata   (also where the SP metadata XML is served)
 * ACS URL (Recipient)    {base}/sso/{orgId}/acs        (HTTP-POST binding)
 * sign-in URL            {base}/sso/{orgId}/login      (SP-initiated; Okta "initiate login URI")
 * NameID format          urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress
 * </pre>
 *
 * {base} is the configured public URL, else the scheme and host of the request; behind a proxy the
 * public URL must be set, or the Audience and Destination checks compare with the wrong host.
 */
public record SpValues(String entityId, String acsUrl, String loginUrl, String metadataUrl, String nameIdFormat) {
    public static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

    public static SpValues of(String baseUrl, UUID orgId) {
        String base = baseUrl + SsoRoutes.PREFIX + "/" + orgId;
        return new SpValues(base + "/metadata", base + "/acs", base + "/login", base + "/metadata", EMAIL_FORMAT);
    }
}
