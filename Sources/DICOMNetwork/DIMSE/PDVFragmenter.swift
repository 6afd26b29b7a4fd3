import NIOCore

/// Splits a command set or data set into P-DATA-TF PDUs that respect the peer's maximum length
/// (PS3.8 Annex E, D.1), one presentation data value per PDU.
///
/// The peer's Maximum Length Received (PS3.8 D.1) bounds the P-DATA-TF variable field, that is
/// the PDU length without its 6-byte header. Each PDV item in it costs 4 bytes of item length,
/// 1 of presentation context ID and 1 of message control header before its fragment, so a
/// fragment may hold the maximum less 6 bytes: 16378 for a maximum of 16384.
///
/// Fragments are even in length, as PS3.8 E.1 requires, so an odd maximum loses a byte.
public struct PDVFragmenter: Sendable {
    /// Item length, presentation context ID and message control header of a PDV (PS3.8 9.3.5.1, E.2).
    public static let pdvOverhead = 6

    /// The fragment size used when the peer announces no maximum (0, PS3.8 D.1), and the largest
    /// sent to any peer. Bigger PDUs gain nothing in throughput and make the peer hold more in
    /// memory; smaller PDUs than the peer allows are always legal.
    public static let unlimitedFragmentSize = 1 << 20

    /// The smallest fragment: a peer announcing less than 8 bytes cannot be answered within its
    /// limit, and a fragment must be even (PS3.8 E.1). The association layer should refuse such
    /// peers; this keeps the arithmetic sound if it does not.
    public static let minimumFragmentSize = 2

    /// The largest fragment a PDV carries for this peer: even, at least `minimumFragmentSize`,
    /// at most `unlimitedFragmentSize`.
    public let maximumFragmentSize: Int

    public init(peerMaximumLength: UInt32) {
        if peerMaximumLength == 0 {
            maximumFragmentSize = Self.unlimitedFragmentSize
        } else {
            let room = min(Int(peerMaximumLength) - Self.pdvOverhead, Self.unlimitedFragmentSize)
            maximumFragmentSize = max(room & ~1, Self.minimumFragmentSize)
        }
    }

    /// The whole of `bytes` as PDUs of one PDV each, in order, the last flagged as the last
    /// fragment (PS3.8 E.2). Empty bytes give one empty last fragment, so the message still ends.
    public func pdus(for bytes: ByteBuffer, presentationContextID: UInt8, isCommand: Bool) -> [PDataTF] {
        var remaining = bytes
        var pdus: [PDataTF] = []
        pdus.reserveCapacity(max(1, (bytes.readableBytes + maximumFragmentSize - 1) / maximumFragmentSize))
        repeat {
            let size = min(remaining.readableBytes, maximumFragmentSize)
            let chunk = remaining.readSlice(length: size) ?? ByteBuffer()
            pdus.append(pdu(for: chunk, presentationContextID: presentationContextID, isCommand: isCommand,
                            isLast: remaining.readableBytes == 0))
        } while remaining.readableBytes > 0
        return pdus
    }

    /// One PDU for one fragment, for streaming a data set from disk a chunk at a time.
    ///
    /// - Precondition: `chunk.readableBytes <= maximumFragmentSize`. A larger chunk would break
    ///   the peer's limit, which is a protocol error it may abort for (PS3.8 D.1).
    public func pdu(for chunk: ByteBuffer, presentationContextID: UInt8, isCommand: Bool, isLast: Bool) -> PDataTF {
        precondition(chunk.readableBytes <= maximumFragmentSize,
                     "a \(chunk.readableBytes)-byte fragment exceeds the peer's \(maximumFragmentSize)-byte limit")
        return PDataTF(values: [PresentationDataValue(
            presentationContextID: presentationContextID, isCommand: isCommand, isLastFragment: isLast, data: chunk
        )])
    }
}
