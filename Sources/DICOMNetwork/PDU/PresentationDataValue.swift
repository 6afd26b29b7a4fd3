import NIOCore

/// A presentation data value item of a P-DATA-TF PDU (PS3.8 9.3.5.1) with its message control
/// header (PS3.8 Annex E.2): a fragment of a DIMSE command or data set.
public struct PresentationDataValue: Sendable, Hashable {
    /// The accepted presentation context this fragment travels on.
    public var presentationContextID: UInt8
    /// Message control header bit 0: the fragment is part of a command, not a data set.
    public var isCommand: Bool
    /// Message control header bit 1: the fragment is the last of its command or data set.
    public var isLastFragment: Bool
    /// The fragment's bytes.
    public var data: ByteBuffer

    public init(presentationContextID: UInt8, isCommand: Bool, isLastFragment: Bool, data: ByteBuffer) {
        self.presentationContextID = presentationContextID
        self.isCommand = isCommand
        self.isLastFragment = isLastFragment
        self.data = data
    }

    /// The message control header byte (PS3.8 E.2). Bits 2–7 are sent as 0.
    public var messageControlHeader: UInt8 {
        (isCommand ? 0x01 : 0) | (isLastFragment ? 0x02 : 0)
    }
}
