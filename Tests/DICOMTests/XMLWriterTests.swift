import Testing
@testable import DICOM
#if canImport(Glibc)
import Glibc
#endif

@Suite struct XMLWriterTests {
    typealias F = TextFixtures

    @Test func writesCompactNativeDicomModel() throws {
        let dataSet = DataSet([
            F.binary(0x0008, 0x0000, .UL, [UInt32(8)]),
            F.text(0x0008, 0x0008, .CS, "ORIGINAL\\\\AXIAL"),
            F.text(0x0010, 0x0010, .PN, "Doe^John"),
            F.text(0x0010, 0x0020, .LO, "A&B <C> \"D\""),
            DataElement(tag: Tag(0x0010, 0x0030), vr: .DA, bytes: []),
            F.binary(0x0028, 0x0010, .US, [UInt16(512)]),
            DataElement(tag: Tag(0x0042, 0x0011), vr: .OB, bytes: [1, 2, 3, 4]),
        ])
        let xml = try DICOMXMLWriter().string(dataSet)
        #expect(xml == #"<?xml version="1.0" encoding="UTF-8"?><NativeDicomModel xml:space="preserve">"#
            + #"<DicomAttribute tag="00080008" vr="CS" keyword="ImageType"><Value number="1">ORIGINAL</Value><Value number="2"/><Value number="3">AXIAL</Value></DicomAttribute>"#
            + #"<DicomAttribute tag="00100010" vr="PN" keyword="PatientName"><PersonName number="1"><Alphabetic><FamilyName>Doe</FamilyName><GivenName>John</GivenName></Alphabetic></PersonName></DicomAttribute>"#
            + #"<DicomAttribute tag="00100020" vr="LO" keyword="PatientID"><Value number="1">A&amp;B &lt;C&gt; "D"</Value></DicomAttribute>"#
            + #"<DicomAttribute tag="00100030" vr="DA" keyword="PatientBirthDate"/>"#
            + #"<DicomAttribute tag="00280010" vr="US" keyword="Rows"><Value number="1">512</Value></DicomAttribute>"#
            + #"<DicomAttribute tag="00420011" vr="OB" keyword="EncapsulatedDocument"><InlineBinary>AQIDBA==</InlineBinary></DicomAttribute>"#
            + #"</NativeDicomModel>"#)
    }

    @Test func writesPrettySequencesPersonNamesAndPrivateCreators() throws {
        let dataSet = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            F.text(0x0009, 0x0010, .LO, "SYNTHETIC CREATOR"),
            F.text(0x0009, 0x1001, .LO, "private"),
            F.text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎=やまだ^たろう"),
            F.sequence(0x0040, 0xA730, [DataSet(), DataSet([F.text(0x0040, 0xA040, .CS, "TEXT")])]),
            F.doubles(0x0018, 0x6034, [.nan, -.infinity, 0.5]),
        ])
        let xml = try DICOMXMLWriter(options: .init(pretty: true, includeXMLDeclaration: false)).string(dataSet)
        let expected = """
        <NativeDicomModel xml:space="preserve">
          <DicomAttribute tag="00080005" vr="CS" keyword="SpecificCharacterSet">
            <Value number="1">ISO_IR 192</Value>
          </DicomAttribute>
          <DicomAttribute tag="00090010" vr="LO">
            <Value number="1">SYNTHETIC CREATOR</Value>
          </DicomAttribute>
          <DicomAttribute tag="00091001" vr="LO" privateCreator="SYNTHETIC CREATOR">
            <Value number="1">private</Value>
          </DicomAttribute>
          <DicomAttribute tag="00100010" vr="PN" keyword="PatientName">
            <PersonName number="1">
              <Alphabetic>
                <FamilyName>Yamada</FamilyName>
                <GivenName>Tarou</GivenName>
              </Alphabetic>
              <Ideographic>
                <FamilyName>山田</FamilyName>
                <GivenName>太郎</GivenName>
              </Ideographic>
              <Phonetic>
                <FamilyName>やまだ</FamilyName>
                <GivenName>たろう</GivenName>
              </Phonetic>
            </PersonName>
          </DicomAttribute>
          <DicomAttribute tag="00186034" vr="FD" keyword="DopplerCorrectionAngle">
            <Value number="1">NaN</Value>
            <Value number="2">-INF</Value>
            <Value number="3">0.5</Value>
          </DicomAttribute>
          <DicomAttribute tag="0040A730" vr="SQ" keyword="ContentSequence">
            <Item number="1"/>
            <Item number="2">
              <DicomAttribute tag="0040A040" vr="CS" keyword="ValueType">
                <Value number="1">TEXT</Value>
              </DicomAttribute>
            </Item>
          </DicomAttribute>
        </NativeDicomModel>

        """
        #expect(xml == expected)
    }

    @Test func writesPersonNameComponentsSoTheirTextReadsBack() throws {
        let dataSet = DataSet([F.text(0x0010, 0x0010, .PN, "Doe^^Middle^^\\=Ideo\\Alpha^^")])
        let xml = try DICOMXMLWriter(options: .init(includeKeywords: false, includeXMLDeclaration: false)).string(dataSet)
        #expect(xml == #"<NativeDicomModel xml:space="preserve"><DicomAttribute tag="00100010" vr="PN">"#
            + #"<PersonName number="1"><Alphabetic><FamilyName>Doe</FamilyName><MiddleName>Middle</MiddleName><NameSuffix/></Alphabetic></PersonName>"#
            + #"<PersonName number="2"><Ideographic><FamilyName>Ideo</FamilyName></Ideographic></PersonName>"#
            + #"<PersonName number="3"><Alphabetic><FamilyName>Alpha</FamilyName><MiddleName/></Alphabetic></PersonName>"#
            + #"</DicomAttribute></NativeDicomModel>"#)
    }

    @Test func escapesCarriageReturnsAndCharactersXMLCannotHold() throws {
        let dataSet = DataSet([F.text(0x0010, 0x4000, .LT, "a\r\nb\tc\u{1}d")])
        let xml = try DICOMXMLWriter(options: .init(includeKeywords: false, includeXMLDeclaration: false)).string(dataSet)
        #expect(xml.contains("<Value number=\"1\">a&#xD;\nb\tc\u{FFFD}d</Value>"))
    }

    @Test func writesBulkDataURIs() throws {
        let dataSet = DataSet([DataElement(tag: .pixelData, vr: .OB, value: .encapsulated(EncapsulatedPixelData(fragments: [.inline([1, 2])])))])
        let writer = DICOMXMLWriter(options: .init(bulkDataURI: { path, _ in "https://example.invalid/?a=1&b=\(path.tag.hex)" },
                                                  includeKeywords: false, includeXMLDeclaration: false))
        #expect(try writer.string(dataSet) == #"<NativeDicomModel xml:space="preserve"><DicomAttribute tag="7FE00010" vr="OB">"#
            + #"<BulkData uri="https://example.invalid/?a=1&amp;b=7FE00010"/></DicomAttribute></NativeDicomModel>"#)
    }

    @Test func streamsADeferredValueFromItsFile() throws {
        let bytes = (0..<(InlineBinary.chunkSize + 5)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let path = try F.temporaryFile(bytes)
        defer { unlink(path) }
        let region = FileRegion(path: path, offset: 3, length: UInt64(bytes.count - 3))
        let dataSet = DataSet([DataElement(tag: Tag(0x0042, 0x0011), vr: .OB, value: .bytes(.file(region)))])
        let xml = try DICOMXMLWriter(options: .init(includeKeywords: false, includeXMLDeclaration: false)).string(dataSet)
        #expect(xml == #"<NativeDicomModel xml:space="preserve"><DicomAttribute tag="00420011" vr="OB"><InlineBinary>"#
            + Base64.encodeToString(Array(bytes[3...])) + "</InlineBinary></DicomAttribute></NativeDicomModel>")
    }
}
