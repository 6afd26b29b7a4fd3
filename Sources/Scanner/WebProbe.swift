import Foundation
import NIOHTTP1

/// Web front ends without credentials: the front page (banner, patient data on it), Orthanc's
/// REST API, DICOMweb search, WADO-URI. Counts what answers; keeps no value.
struct WebProbe: Sendable {
    let context: ProbeContext

    static let dicomwebSearchPaths = ["/dicom-web/studies", "/dicomweb/studies"]

    /// The findings, or nil when the port does not answer HTTP (over TLS when `tls`).
    func run(_ endpoint: ScanEndpoint, tls: Bool) async -> [Finding]? {
        guard let client = try? HTTPGetClient(context: context, tls: tls),
              let front = try? await client.get(endpoint, path: "/") else { return nil }
        let target = endpoint.description
        var findings: [Finding] = []
        var patientData = PHIPatterns(counting: front.text)
        var patientDataPaths = patientData.total > 0 ? ["/"] : []

        if !tls {
            findings.append(Finding(.webCleartext, target: target, evidence: "plain HTTP answered GET / with status \(front.status)",
                                    severity: endpoint.isLoopback ? .info : nil))
        }
        let banner = ["Server", "X-Powered-By"].compactMap { name in front.headers.first(name: name).map { "\(name): \($0)" } }
            .filter { $0.contains(where: \.isNumber) }
        if !banner.isEmpty {
            findings.append(Finding(.webVersionBanner, target: target, evidence: banner.joined(separator: "; ")))
        }

        let system = try? await client.get(endpoint, path: "/system", accept: "application/json")
        if context.options.intrusive, let system, system.status == 401 {
            for (user, password) in ScanOptions.defaultWebCredentials {
                guard let answer = try? await client.get(endpoint, path: "/system", accept: "application/json", basic: (user, password)),
                      answer.status == 200 else { continue }
                findings.append(Finding(.webDefaultCredentials, target: target,
                                        evidence: "GET /system asked for credentials and answered 200 to the default user \(user) with its published password"))
                break
            }
        }
        if let system, system.status == 200,
           system.text.contains("\"DicomAet\"") || system.text.contains("\"ApiVersion\"") {
            var evidence = "GET /system answered 200 with Orthanc's system description"
            if let patients = try? await client.get(endpoint, path: "/patients", accept: "application/json"), patients.status == 200,
               let count = Self.arrayCount(patients.body) {
                evidence += "; GET /patients listed \(count) patient\(count == 1 ? "" : "s")"
            }
            findings.append(Finding(.webOrthancRESTUnauthenticated, target: target, evidence: evidence + " (no credentials sent)"))
            if let version = Self.orthancVersion(system.body) {
                findings += KnownVulnerability.findings(DetectedSoftware(product: .orthanc, version: version, seenIn: "GET /system Version"),
                                                        target: target)
            }
        }

        // dcm4chee-arc-light: its REST API lists the archive's AEs, and each AE's DICOMweb search
        // is under it; a secured archive (Keycloak) answers 401 to both.
        var searchPaths = Self.dicomwebSearchPaths
        if let aets = try? await client.get(endpoint, path: "/dcm4chee-arc/aets", accept: "application/json"), aets.status == 200,
           let titles = Self.dcm4cheeAETitles(aets.body) {
            let ui = try? await client.get(endpoint, path: "/dcm4chee-arc/ui2/")
            findings.append(Finding(.webDcm4cheeUnauthenticated, target: target,
                                    evidence: "GET /dcm4chee-arc/aets listed \(titles.count) archive AE\(titles.count == 1 ? "" : "s")"
                                        + (ui?.status == 200 ? "; the UI at /dcm4chee-arc/ui2/ answered 200" : "") + " (no credentials sent)"))
            searchPaths = titles.prefix(3).compactMap { title in
                title.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed).map { "/dcm4chee-arc/aets/\($0)/rs/studies" }
            } + searchPaths
        }

        for path in searchPaths {
            guard let studies = try? await client.get(endpoint, path: path, accept: "application/dicom+json") else { continue }
            let count: Int? = switch studies.status {
            case 200: Self.arrayCount(studies.body)
            case 204: 0
            default: nil
            }
            guard let count else { continue }
            let found = PHIPatterns(counting: studies.text)
            if found.total > 0 {
                patientData = patientData + found
                patientDataPaths.append(path)
            }
            findings.append(Finding(.webDICOMwebUnauthenticated, target: target,
                                    evidence: "GET \(path) answered \(studies.status) with \(count) stud\(count == 1 ? "y" : "ies") (no credentials sent)",
                                    severity: count > 0 ? .critical : .high))
            break
        }

        // A WADO-URI endpoint answers a request without parameters with 400; one that wants
        // credentials first says 401 or 403.
        if let wado = try? await client.get(endpoint, path: "/wado"), wado.status == 200 || wado.status == 400 {
            findings.append(Finding(.webWADOUnauthenticated, target: target,
                                    evidence: "GET /wado answered \(wado.status), not 401 or 403 (no credentials sent)"))
        }

        if patientData.total > 0 {
            findings.append(Finding(.webPatientDataExposed, target: target,
                                    evidence: "\(patientData.summary) in \(patientDataPaths.joined(separator: ", ")) (values masked, not kept)"))
        }
        return findings
    }

    /// Orthanc's release from its /system description ("Version": "1.10.1"); nil for "mainline" builds.
    static func orthancVersion(_ body: [UInt8]) -> SoftwareVersion? {
        guard let system = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let text = system["Version"] as? String else {
            return nil
        }
        return SoftwareVersion(text)
    }

    /// The AE titles (dicomAETitle) of dcm4chee's /dcm4chee-arc/aets, or nil when the body is not that list.
    static func dcm4cheeAETitles(_ body: [UInt8]) -> [String]? {
        guard let entries = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else { return nil }
        let titles = entries.compactMap { $0["dicomAETitle"] as? String }
        return titles.isEmpty ? nil : titles
    }

    /// The number of elements of a JSON array, or nil when the body is not one.
    static func arrayCount(_ body: [UInt8]) -> Int? {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [Any])?.count
    }
}
