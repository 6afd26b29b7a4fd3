import DICOMNetwork
import NIOCore

/// The PDUs of the codec benchmarks, and their encodings made once with `PDUEncoder`.
enum SyntheticPDUs {
    /// An A-ASSOCIATE-RQ proposing 128 presentation contexts (the PS3.8 limit, odd IDs 1…255)
    /// of three transfer syntaxes each, as a modality that can send many SOP classes does.
    static let associateRQ: PDU = .associateRQ(AssociateRQ(
        calledAETitle: aeTitle("ARCHIVE"),
        callingAETitle: aeTitle("MODALITY"),
        presentationContexts: (0..<128).map { index in
            PresentationContextRQ(
                id: UInt8(2 * index + 1),
                abstractSyntax: "1.2.840.10008.5.1.4.1.1.\(index + 1)",
                transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.80"]
            )
        },
        userInformation: UserInformation(subItems: [
            .maximumLength(65_536),
            .implementationClassUID("2.25.3000001"),
            .implementationVersionName("BENCH_1"),
        ])
    ))

    /// A P-DATA-TF of one 64 KiB fragment of a data set, the bulk of a C-STORE.
    static let dataTF: PDU = .dataTF(PDataTF(values: [
        PresentationDataValue(
            presentationContextID: 1, isCommand: false, isLastFragment: false,
            data: ByteBuffer(bytes: (0..<64 * 1024).map { UInt8(truncatingIfNeeded: $0) })
        ),
    ]))

    static let encodedAssociateRQ = encode(associateRQ)
    static let encodedDataTF = encode(dataTF)

    private static func encode(_ pdu: PDU) -> ByteBuffer {
        do {
            return try PDUEncoder().encode(pdu)
        } catch {
            preconditionFailure("the synthetic \(pdu.type) does not encode: \(error)")
        }
    }

    private static func aeTitle(_ text: String) -> AETitle {
        do {
            return try AETitle(text)
        } catch {
            preconditionFailure("\(text) is not an AE title: \(error)")
        }
    }
}
