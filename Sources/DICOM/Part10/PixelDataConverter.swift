/// Converts a data set's pixel data from one transfer syntax into another: what the imaging
/// codecs do (the `Imaging` target's `Transcoder`). The network and web code that sends stored
/// objects takes one, so that an object stored compressed can go to a peer that accepts only
/// uncompressed syntaxes, without those targets depending on the codecs.
public protocol PixelDataConverter: Sendable {
    /// Whether pixel data encoded in `source` can be rewritten in `target`.
    func canConvert(from source: TransferSyntax, to target: TransferSyntax) -> Bool
    /// `dataSet`, read from a `source` file, with its pixel data (and the Image Pixel attributes
    /// that describe it) rewritten for `target`; the caller encodes the result in `target`.
    func convert(_ dataSet: DataSet, from source: TransferSyntax, to target: TransferSyntax) throws -> DataSet
}
