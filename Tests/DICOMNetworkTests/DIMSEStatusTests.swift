import DICOMNetwork
import Testing

/// Status classes per PS3.7 Annex C, checked against pynetdicom's `code_to_category`.
@Suite("DIMSE status classes")
struct DIMSEStatusTests {
    @Test func namedValuesHaveTheStandardsCodes() {
        let expected: [(DIMSEStatus, UInt16)] = [
            (.success, 0x0000), (.pending, 0xFF00), (.pendingWithWarnings, 0xFF01), (.cancel, 0xFE00),
            (.refusedOutOfResources, 0xA700), (.refusedOutOfResourcesMatches, 0xA701),
            (.refusedOutOfResourcesSubOperations, 0xA702), (.refusedMoveDestinationUnknown, 0xA801),
            (.refusedNotAuthorized, 0x0124), (.errorDataSetDoesNotMatchSOPClass, 0xA900),
            (.identifierDoesNotMatchSOPClass, 0xA900), (.errorCannotUnderstand, 0xC000), (.unableToProcess, 0xC001),
            (.warningCoercionOfDataElements, 0xB000), (.warningDataSetDoesNotMatchSOPClass, 0xB007),
            (.warningElementsDiscarded, 0xB006), (.warningSubOperationsCompleteOneOrMoreFailures, 0xB000),
            (.duplicateSOPInstance, 0x0111), (.sopClassNotSupported, 0x0122), (.noSuchSOPClass, 0x0118),
            (.processingFailure, 0x0110), (.duplicateInvocation, 0x0210), (.mistypedArgument, 0x0212),
            (.unrecognizedOperation, 0x0211), (.invalidArgumentValue, 0x0115), (.noSuchObjectInstance, 0x0112),
            (.resourceLimitation, 0x0213), (.classInstanceConflict, 0x0119),
        ]
        for (status, code) in expected {
            #expect(status.rawValue == code)
        }
    }

    /// pynetdicom's `code_to_category`, with its "Unknown" read as failure.
    static func reference(_ code: UInt16) -> DIMSEStatus.Category {
        switch code {
        case 0x0000: .success
        case 0xFF00, 0xFF01: .pending
        case 0xFE00: .cancel
        case 0x0107, 0x0116, 0x0001, 0xB000..<0xC000: .warning
        default: .failure
        }
    }

    @Test func everyValueFallsInTheClassOfAnnexC() {
        for code in UInt16.min...UInt16.max {
            let status = DIMSEStatus(rawValue: code)
            if status.category != Self.reference(code) {
                Issue.record("\(status) should be \(Self.reference(code))")
            }
        }
    }

    @Test func representativeCategories() {
        #expect(DIMSEStatus.success.category == .success)
        #expect(DIMSEStatus.pendingWithWarnings.category == .pending)
        #expect(DIMSEStatus.cancel.category == .cancel)
        #expect(DIMSEStatus.attributeListError.category == .warning)
        #expect(DIMSEStatus.attributeValueOutOfRange.category == .warning)
        #expect(DIMSEStatus.warningOptionalAttributesNotSupported.category == .warning)
        #expect(DIMSEStatus(0xBFFF).category == .warning)
        #expect(DIMSEStatus.noSuchAttribute.category == .failure)
        #expect(DIMSEStatus(0xA7FF).category == .failure)
        #expect(DIMSEStatus(0xCFFF).category == .failure)
        #expect(DIMSEStatus(0x02FF).category == .failure)
    }

    @Test func valuesAnnexCForbidsAreFailuresOutsideTheStandardRange() {
        for code: UInt16 in [0x0002, 0x00FF, 0x0300, 0x1000, 0x9FFF, 0xD000, 0xFE01, 0xFF02, 0xFFFF] {
            let status = DIMSEStatus(code)
            #expect(status.category == .failure, "\(status)")
            #expect(!status.isInStandardRange, "\(status)")
            #expect(status.description.contains("does not allow"))
        }
        for status: DIMSEStatus in [.success, .pending, .cancel, .refusedOutOfResources, .unableToProcess, .resourceLimitation] {
            #expect(status.isInStandardRange, "\(status)")
        }
    }

    @Test func onlyPendingIsNotFinal() {
        #expect(!DIMSEStatus.pending.isFinal)
        #expect(!DIMSEStatus.pendingWithWarnings.isFinal)
        #expect(DIMSEStatus.cancel.isFinal)
        #expect(DIMSEStatus.success.isFinal)
        #expect(DIMSEStatus.warningSubOperationsCompleteOneOrMoreFailures.isFinal)
    }

    @Test func descriptionGivesCodeClassAndMeaning() {
        #expect(DIMSEStatus.refusedOutOfResources.description == "A700H failure: refused: out of resources (C-STORE, C-FIND)")
        #expect(DIMSEStatus.success.description == "0000H success: success")
        #expect(DIMSEStatus(0xC123).description.hasPrefix("C123H failure: cannot understand"))
        #expect(DIMSEStatus.sopClassNotSupported.description == "0122H failure: refused: SOP class not supported")
    }
}
