import Access
import Foundation
import Logs

/// An identity provider's JWKS file (rampart.yaml `oidc[].jwks_file`), read at start-up (a
/// missing or broken file stops `serve` with the reason) and again whenever it changes, so that
/// replacing it after the IdP rotated its keys needs no restart.
public typealias OIDCKeySetSource = ReloadingFile<OIDCKeySet>

extension ReloadingFile where Value == OIDCKeySet {
    public convenience init(jwksFile path: String, log: Log) throws(ServerSetupError) {
        try self.init(path: path, log: log) { () throws(ServerSetupError) in
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ServerSetupError("cannot read the identity provider's key set \(path) (\(error)); save its JWKS (jwks_uri) there")
            }
            do {
                return try OIDCKeySet(json: data, source: path)
            } catch {
                throw ServerSetupError("\(error)")
            }
        }
    }
}
