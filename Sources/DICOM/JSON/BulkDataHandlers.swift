/// Chooses, element by element, whether a writer gives a bulk value (OB, OD, OF, OL, OV, OW, UN,
/// and encapsulated pixel data) inline as base64 or as a URI to fetch it from: return the URI, or
/// nil to write the value inline (PS3.18 F.2.6 and F.2.7; PS3.19 A.1.5).
public typealias BulkDataURIProvider = @Sendable (ElementPath, DataElement) -> String?

/// Gives a reader the value behind a BulkDataURI (JSON) or `<BulkData uri>` (XML), for example a
/// part of a multipart request. It receives the element's path, its VR, and the URI; what it
/// throws is passed on unchanged.
public typealias BulkDataResolver = @Sendable (ElementPath, VR, String) throws -> DataElement.Value
