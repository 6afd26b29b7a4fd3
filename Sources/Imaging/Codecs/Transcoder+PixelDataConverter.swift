import DICOM

/// The transcoder is what sends objects stored compressed to peers that want another syntax:
/// C-GET, C-MOVE and `rampart store` decompress for a peer that accepts only uncompressed
/// syntaxes, and WADO-RS and WADO-URI convert to the transfer syntax a request asks for.
extension Transcoder: PixelDataConverter {
    /// What `transcode` accepts: it refuses (`checkedEncoder`) a pair it cannot convert.
    public func canConvert(from source: TransferSyntax, to target: TransferSyntax) -> Bool {
        do {
            _ = try checkedEncoder(from: source, to: target)  // nil between native syntaxes, which convert
            return true
        } catch {
            return false
        }
    }

    public func convert(_ dataSet: DataSet, from source: TransferSyntax, to target: TransferSyntax) throws -> DataSet {
        try transcode(dataSet, from: source, to: target)
    }
}
