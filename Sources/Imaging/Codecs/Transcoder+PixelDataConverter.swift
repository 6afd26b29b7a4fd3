import DICOM

/// The transcoder is what sends objects stored compressed to peers that want another syntax:
/// C-GET, C-MOVE and `rampart store` decompress for a peer that accepts only uncompressed
/// syntaxes, and WADO-RS and WADO-URI convert to the transfer syntax a request asks for.
extension Transcoder: PixelDataConverter {
    public func canConvert(from source: TransferSyntax, to target: TransferSyntax) -> Bool {
        (Self.nativeSyntaxes.contains(source) || Self.decoder(for: source) != nil)
            && (Self.nativeSyntaxes.contains(target) || Self.encoder(for: target) != nil)
    }

    public func convert(_ dataSet: DataSet, from source: TransferSyntax, to target: TransferSyntax) throws -> DataSet {
        try transcode(dataSet, from: source, to: target)
    }
}
