import Testing
@testable import DICOM

/// How decoded string values are split into values and stripped of padding (PS3.5 6.2): the
/// rules every match, index column and merged record relies on.
@Suite struct TextValueTests {
    @Test func splitsOnBackslashAndStripsEachValueAsItsVRAllows() {
        #expect(TextValue.split(" CT\\MR \\ PT\0", vr: .CS) == ["CT", "MR", "PT"])
        #expect(TextValue.split("1.2.3\0", vr: .UI) == ["1.2.3"])
        #expect(TextValue.split("1.5 \\ -2", vr: .DS) == ["1.5", "-2"])
        // Leading spaces are significant where the VR does not list them as padding.
        #expect(TextValue.split("  indented \0", vr: .LT) == ["  indented"])
        #expect(TextValue.split(" a\\b ", vr: .UN) == [" a", "b"])
    }

    @Test func keepsEmptyValuesInTheirPlaces() {
        #expect(TextValue.split("", vr: .CS) == [""])
        #expect(TextValue.split("  ", vr: .LO) == [""])
        #expect(TextValue.split("\\\\X", vr: .CS) == ["", "", "X"])
        #expect(TextValue.split("A\\ ", vr: .LO) == ["A", ""])
    }

    @Test func singleValuedTextKeepsItsBackslashes() {
        #expect(TextValue.split("C:\\path\\file  ", vr: .LT) == ["C:\\path\\file"])
        #expect(TextValue.split("a\\b", vr: .UT) == ["a\\b"])
    }

    @Test func padsAroundMultibyteTextAreStrippedAndTheTextIsWhole() {
        #expect(TextValue.split(" 山田^太郎 \\ Yamada ", vr: .PN) == ["山田^太郎", "Yamada"])
        #expect(TextValue.split("é\u{301} ", vr: .LO) == ["é\u{301}"])
        #expect(TextValue.strip("  Ünïcödé  "[...], vr: .SH) == "Ünïcödé")
    }

    @Test func trimsOnlyTheBytesItIsAskedTo() {
        let text = "\0 x y \0"[...]
        #expect(TextValue.trimming(text, leading: { $0 == 0 }, trailing: { $0 == 0 }) == " x y ")
        #expect(TextValue.trimming(text, leading: { $0 == 0 || $0 == 0x20 }, trailing: { _ in false }) == "x y \0")
        #expect(TextValue.trimming("   "[...], leading: { $0 == 0x20 }, trailing: { $0 == 0x20 }) == "")
    }
}
