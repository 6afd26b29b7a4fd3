/// The kinds of finding a scan reports: each with its identifier, default severity, the fix in
/// words an IT engineer acts on, and the recommendation it maps to. SARIF lists these as rules.
public enum FindingRule: String, Sendable, Hashable, Codable, CaseIterable {
    case dicomAnyAEAccepted = "DICOM-ANY-AE-ACCEPTED"
    case dicomEchoUnauthenticated = "DICOM-ECHO-UNAUTHENTICATED"
    case dicomPatientQueryUnauthenticated = "DICOM-PATIENT-QUERY-UNAUTHENTICATED"
    case dicomStudyQueryUnauthenticated = "DICOM-STUDY-QUERY-UNAUTHENTICATED"
    case dicomStorageUnauthenticated = "DICOM-STORAGE-UNAUTHENTICATED"
    case dicomIdentityNotVerified = "DICOM-IDENTITY-NOT-VERIFIED"
    case dicomCleartext = "DICOM-CLEARTEXT"
    case dicomAssociationRefused = "DICOM-ASSOCIATION-REFUSED"
    case tlsLegacyVersion = "TLS-LEGACY-VERSION"
    case tlsNoForwardSecrecy = "TLS-NO-FORWARD-SECRECY"
    case tlsCertificateExpired = "TLS-CERTIFICATE-EXPIRED"
    case tlsCertificateUntrusted = "TLS-CERTIFICATE-UNTRUSTED"
    case webOrthancRESTUnauthenticated = "WEB-ORTHANC-REST-UNAUTHENTICATED"
    case webDICOMwebUnauthenticated = "WEB-DICOMWEB-UNAUTHENTICATED"
    case webWADOUnauthenticated = "WEB-WADO-UNAUTHENTICATED"
    case webPatientDataExposed = "WEB-PATIENT-DATA-EXPOSED"
    case webCleartext = "WEB-CLEARTEXT"
    case webVersionBanner = "WEB-VERSION-BANNER"
    case knownVulnerability = "KNOWN-VULNERABILITY"
    case webDefaultCredentials = "WEB-DEFAULT-CREDENTIALS"
    case webDcm4cheeUnauthenticated = "WEB-DCM4CHEE-REST-UNAUTHENTICATED"
    case serviceOpen = "SERVICE-OPEN"
    /// Only a server's own configuration tells this (the self-scan): no probe from outside can.
    case dicomLegacyException = "DICOM-LEGACY-EXCEPTION"

    public var title: String {
        switch self {
        case .dicomAnyAEAccepted: "Accepts DICOM associations from an unknown calling AE"
        case .dicomEchoUnauthenticated: "Answers C-ECHO without authentication"
        case .dicomPatientQueryUnauthenticated: "Answers patient-level C-FIND without authentication"
        case .dicomStudyQueryUnauthenticated: "Answers study-level C-FIND without authentication"
        case .dicomStorageUnauthenticated: "Would accept C-STORE from an unknown AE"
        case .dicomIdentityNotVerified: "Accepts a made-up DICOM user identity"
        case .dicomCleartext: "DICOM without TLS"
        case .dicomAssociationRefused: "Refuses unauthenticated DICOM associations"
        case .tlsLegacyVersion: "Accepts TLS 1.0 or 1.1"
        case .tlsNoForwardSecrecy: "Accepts TLS cipher suites without forward secrecy"
        case .tlsCertificateExpired: "TLS certificate expired or not yet valid"
        case .tlsCertificateUntrusted: "TLS certificate not trusted by this machine"
        case .webOrthancRESTUnauthenticated: "Orthanc REST API open without credentials"
        case .webDICOMwebUnauthenticated: "DICOMweb search open without credentials"
        case .webWADOUnauthenticated: "WADO-URI endpoint reachable without credentials"
        case .webPatientDataExposed: "Web pages show patient data to anonymous visitors"
        case .webCleartext: "HTTP without TLS"
        case .webVersionBanner: "Web server announces its product version"
        case .knownVulnerability: "Runs a release with published vulnerabilities"
        case .webDefaultCredentials: "Web sign-in accepts a default user name and password"
        case .webDcm4cheeUnauthenticated: "dcm4chee archive REST API open without credentials"
        case .serviceOpen: "Service listening"
        case .dicomLegacyException: "A device is admitted by its AE title and host alone (legacy exception)"
        }
    }

    public var severity: Severity {
        switch self {
        case .dicomPatientQueryUnauthenticated, .dicomStudyQueryUnauthenticated, .webOrthancRESTUnauthenticated,
             .webDICOMwebUnauthenticated, .webPatientDataExposed, .webDefaultCredentials:
            .critical
        case .dicomAnyAEAccepted, .dicomStorageUnauthenticated, .dicomIdentityNotVerified, .knownVulnerability, .webDcm4cheeUnauthenticated:
            .high
        case .dicomCleartext, .webCleartext, .tlsLegacyVersion, .tlsNoForwardSecrecy, .tlsCertificateExpired, .webWADOUnauthenticated,
             .dicomLegacyException:
            .medium
        case .dicomEchoUnauthenticated, .webVersionBanner:
            .low
        case .dicomAssociationRefused, .tlsCertificateUntrusted, .serviceOpen:
            .info
        }
    }

    public var recommendation: Recommendation {
        switch self {
        case .dicomAnyAEAccepted, .dicomEchoUnauthenticated, .dicomPatientQueryUnauthenticated, .dicomStudyQueryUnauthenticated,
             .dicomStorageUnauthenticated, .dicomIdentityNotVerified, .webOrthancRESTUnauthenticated, .webDICOMwebUnauthenticated,
             .webWADOUnauthenticated, .dicomLegacyException, .webDefaultCredentials, .webDcm4cheeUnauthenticated:
            .authenticate
        case .dicomCleartext, .webCleartext, .tlsLegacyVersion, .tlsNoForwardSecrecy, .tlsCertificateExpired, .tlsCertificateUntrusted:
            .encrypt
        case .webPatientDataExposed:
            .limitDisclosure
        case .webVersionBanner:
            .hideVersion
        case .knownVulnerability:
            .update
        case .dicomAssociationRefused, .serviceOpen:
            .none
        }
    }

    public var fix: String {
        switch self {
        case .dicomAnyAEAccepted:
            "An AE title is not a password. Accept associations only from registered AEs at their known addresses, and require user identity or a TLS client certificate (Orthanc: DicomCheckCalledAet and DicomModalities with DicomCheckModalityHost; dcm4chee: accepted calling AEs per called AE)."
        case .dicomEchoUnauthenticated:
            "Answer verification only for registered AEs; an open C-ECHO tells anyone scanning that a PACS is here."
        case .dicomPatientQueryUnauthenticated, .dicomStudyQueryUnauthenticated:
            "Anyone who reaches this port can list your patients. Require authentication for C-FIND (user identity or TLS client certificates), allow queries only from registered AEs, and firewall the port from every network that does not need it."
        case .dicomStorageUnauthenticated:
            "Anyone can write objects into this archive. Accept Storage only from registered modalities (Orthanc: DicomAlwaysAllowStore false), with authentication."
        case .dicomIdentityNotVerified:
            "The server takes any user name and passcode. Check the user identity against your directory, and reject associations whose identity fails."
        case .dicomCleartext:
            "Patient data and credentials cross the network in clear. Offer DICOM over TLS (port 2762) and turn plain DICOM off, or limit it to an isolated modality network."
        case .dicomAssociationRefused:
            "No action: the server refused an unknown AE without credentials."
        case .tlsLegacyVersion:
            "Turn off TLS 1.0 and 1.1; allow TLS 1.2 and 1.3 only."
        case .tlsNoForwardSecrecy:
            "Allow only ECDHE (or DHE) key exchange with AEAD ciphers, as BCP 195 says: traffic recorded today must not be readable by whoever gets the server's key tomorrow."
        case .tlsCertificateExpired:
            "Renew the certificate, and monitor expiry dates: clients that verify will refuse this server, clients that do not cannot tell it from an impostor."
        case .tlsCertificateUntrusted:
            "Make sure every client trusts the issuing CA (a site CA is fine when it is distributed), so clients can verify the server instead of skipping the check."
        case .webOrthancRESTUnauthenticated:
            "Set AuthenticationEnabled true with strong per-user passwords, keep RemoteAccessAllowed false unless behind an authenticating proxy, and put the REST API behind TLS."
        case .webDICOMwebUnauthenticated:
            "Require authentication (OAuth 2 bearer tokens or sign-in) for every DICOMweb request, and serve it over TLS only."
        case .webWADOUnauthenticated:
            "WADO-URI hands out images by UID: require authentication for it or turn it off."
        case .webPatientDataExposed:
            "Put every page that shows patient data behind a sign-in; a front page must show nothing about patients."
        case .webCleartext:
            "Serve the web interface over HTTPS only and redirect or close plain HTTP."
        case .dicomLegacyException:
            "Whoever borrows the device's address and AE title acts as the device. Bind the AE to a TLS client certificate (rampart ae certificate TITLE, or rampart ae add TITLE --certificate FILE.pem) once the device can present one, or remove the AE when it is retired."
        case .webVersionBanner:
            "Remove version numbers from Server and X-Powered-By headers, and keep the product patched."
        case .webDcm4cheeUnauthenticated:
            "Run dcm4chee-arc-light secured (the secure image variants, with Keycloak): every REST, DICOMweb and UI request then needs a token; until then keep the web port off every network that does not need it."
        case .webDefaultCredentials:
            "Anyone who read the product's guide can sign in. Remove the default user, give every user a strong password of its own, and keep the REST API off networks that do not need it."
        case .knownVulnerability:
            "Update to the release the evidence names (or the distribution's patched package, then check its changelog lists these CVEs); until then keep the service off every network that does not need it."
        case .serviceOpen:
            "No action if this port is meant to be reachable from here; otherwise close or firewall it."
        }
    }
}
