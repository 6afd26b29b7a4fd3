import Testing
@testable import DICOM

@Suite struct XMLReaderTests {
    typealias F = TextFixtures

    @Test func everyVRSurvivesDataSetToXMLAndBack() throws {
        let original = F.everyVR
        for pretty in [false, true] {
            let xml = try DICOMXMLWriter(options: .init(pretty: pretty)).bytes(original)
            let read = try DICOMXMLReader().read(xml)
            #expect(read.map(\.tag) == original.map(\.tag))
            for element in original {
                #expect(read[element.tag] == element, "\(element.tag) \(element.vr)")
            }
            #expect(try DICOMXMLWriter(options: .init(pretty: pretty)).bytes(read) == xml)
        }
    }

    @Test func latin1TextSurvives() throws {
        let original = DataSet([
            F.text(0x0008, 0x0005, .CS, "ISO_IR 100"),
            F.encoded(0x0008, 0x0080, .LO, [0x43, 0x6C, 0x69, 0x6E, 0x69, 0x71, 0x75, 0x65, 0x20, 0xE0, 0x20, 0xC5]),
            F.encoded(0x0010, 0x0010, .PN, [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x5E, 0xC9, 0x6C, 0x6F, 0xEF, 0x73, 0x65]),
        ])
        let xml = try DICOMXMLWriter().string(original)
        #expect(xml.contains("<FamilyName>Müller</FamilyName><GivenName>Éloïse</GivenName>"))
        #expect(try DICOMXMLReader().read(xml) == original)
    }

    @Test func personNamesWithEmptyComponentsSurvive() throws {
        let original = DataSet([F.text(0x0010, 0x0010, .PN, "Doe^John^^^\\^^Middle\\A==\\=B^C^D^E^F^G")])
        let read = try DICOMXMLReader().read(try DICOMXMLWriter().bytes(original))
        #expect(read == original)
    }

    @Test func readsDocumentsWithCommentsCDATADoctypeAndNamespaces() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE NativeDicomModel [ <!ELEMENT NativeDicomModel ANY> ]>
        <!-- exported -->
        <n:NativeDicomModel xmlns:n="http://dicom.nema.org/PS3.19/models/NativeDICOM" xml:space="preserve">
          <n:DicomAttribute tag="00100020" vr="LO"><n:Value number="1"><![CDATA[A&B<C>]]></n:Value></n:DicomAttribute>
          <?ignored instruction?>
          <n:DicomAttribute keyword="PatientName" vr="PN"><n:PersonName number="1"><n:Alphabetic><n:FamilyName>Doe</n:FamilyName></n:Alphabetic></n:PersonName></n:DicomAttribute>
          <n:DicomAttribute tag="00280010" vr="US"><n:Value number="2"> 7 </n:Value><n:Value number="1">&#x35;</n:Value></n:DicomAttribute>
          <n:DicomAttribute tag="00080008" vr="CS"><n:Value number="3">C</n:Value><n:Value number="1">A</n:Value></n:DicomAttribute>
        </n:NativeDicomModel>
        """
        let dataSet = try DICOMXMLReader().read(xml)
        #expect(dataSet.string(Tag(0x0010, 0x0020)) == "A&B<C>")
        #expect(dataSet.string(Tag(0x0010, 0x0010)) == "Doe")
        #expect(dataSet[Tag(0x0028, 0x0010)]?.uint16s == [5, 7])
        #expect(dataSet[Tag(0x0008, 0x0008)]?.inlineBytes == Array("A\\\\C".utf8))
    }

    @Test func readsLatin1EncodedDocuments() throws {
        var xml = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><NativeDicomModel><DicomAttribute tag="00100010" vr="PN"><PersonName number="1"><Alphabetic><FamilyName>M"#.utf8)
        xml += [0xFC] + Array("ller</FamilyName></Alphabetic></PersonName></DicomAttribute></NativeDicomModel>".utf8)
        let dataSet = try DICOMXMLReader().read(xml)
        #expect(dataSet[Tag(0x0010, 0x0010)]?.inlineBytes == Array("Müller".utf8) + [0x20])
        #expect(dataSet.string(.specificCharacterSet) == "ISO_IR 192")
    }

    /// dcm4che leaves out private creator elements and the block number of private tags.
    @Test func placesDcm4cheStylePrivateElementsInTheirCreatorsBlock() throws {
        let xml = """
        <NativeDicomModel>
          <DicomAttribute tag="00090010" vr="LO"><Value number="1">OTHER</Value></DicomAttribute>
          <DicomAttribute tag="00090002" vr="LO" privateCreator="Vendor A"><Value number="1">a</Value></DicomAttribute>
          <DicomAttribute tag="00090003" vr="LO" privateCreator="Vendor A"><Value number="1">b</Value></DicomAttribute>
          <DicomAttribute tag="00091001" vr="LO" privateCreator="OTHER"><Value number="1">c</Value></DicomAttribute>
          <DicomAttribute tag="00191001" vr="LO" privateCreator="Missing"><Value number="1">d</Value></DicomAttribute>
        </NativeDicomModel>
        """
        let dataSet = try DICOMXMLReader().read(xml)
        #expect(dataSet.string(Tag(0x0009, 0x0010)) == "OTHER")
        #expect(dataSet.string(Tag(0x0009, 0x0011)) == "Vendor A")
        #expect(dataSet.string(Tag(0x0009, 0x1102)) == "a")
        #expect(dataSet.string(Tag(0x0009, 0x1103)) == "b")
        #expect(dataSet.string(Tag(0x0009, 0x1001)) == "c")
        #expect(dataSet.string(Tag(0x0019, 0x0010)) == "Missing")
        #expect(dataSet.string(Tag(0x0019, 0x1001)) == "d")
        #expect(dataSet.count == 7)
    }

    /// DCMTK 3.6 writes (0011,1010) as "00110010", the tag of its own creator element.
    @Test func tellsShortPrivateTagsFromTheCreatorElementTheyCollideWith() throws {
        let xml = """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <NativeDicomModel xml:space="preserve">
        <DicomAttribute tag="00110010" vr="LO">
        <Value number="1">GEMS_PATI_01</Value>
        </DicomAttribute>
        <DicomAttribute tag="00110010" vr="SS" privateCreator="GEMS_PATI_01">
        <Value number="1">-2</Value>
        </DicomAttribute>
        </NativeDicomModel>
        """
        let dataSet = try DICOMXMLReader().read(xml)
        #expect(dataSet.string(Tag(0x0011, 0x0010)) == "GEMS_PATI_01")
        #expect(dataSet[Tag(0x0011, 0x1010)]?.int16s == [-2])
        #expect(dataSet.count == 2)
    }

    @Test func readsDataFragmentsAsEncapsulatedPixelData() throws {
        let xml = """
        <NativeDicomModel><DicomAttribute tag="7FE00010" vr="OB">
          <DataFragment number="2"><InlineBinary>/9j/2Q==</InlineBinary></DataFragment>
        </DicomAttribute></NativeDicomModel>
        """
        let dataSet = try DICOMXMLReader().read(xml)
        #expect(dataSet[.pixelData]?.value == .encapsulated(EncapsulatedPixelData(fragments: [.inline([0xFF, 0xD8, 0xFF, 0xD9])])))
    }

    @Test func resolvesBulkData() throws {
        let xml = #"<NativeDicomModel><DicomAttribute tag="00420011" vr="OB"><BulkData uri="https://example.invalid/x?a=1&amp;b=2"/></DicomAttribute></NativeDicomModel>"#
        #expect {
            try DICOMXMLReader().read(xml)
        } throws: { error in
            guard case DICOMXMLError.invalidAttribute(_, .unresolvedBulkData(let uri)) = error else { return false }
            return uri == "https://example.invalid/x?a=1&b=2"
        }
        let dataSet = try DICOMXMLReader(bulkDataResolver: { _, _, uri in .bytes(.inline(Array(uri.suffix(4).utf8))) }).read(xml)
        #expect(dataSet[Tag(0x0042, 0x0011)]?.inlineBytes == Array("&b=2".utf8))
    }

    @Test func reportsWhatIsWrong() throws {
        let cases: [(String, String)] = [
            ("<NativeDicomModel>", "line 1, column 19: element <NativeDicomModel> never ends"),
            ("<NativeDicomModel></Other>", "</Other> closes <NativeDicomModel>"),
            ("<Other/>", "the root element is <Other>"),
            ("<NativeDicomModel>&bomb;</NativeDicomModel>", "entity &bomb; is not one of XML's five"),
            ("<NativeDicomModel a='1' a='2'/>", "attribute a appears twice"),
            ("<?xml version='1.0' encoding='Shift_JIS'?><NativeDicomModel/>", "encoding \"SHIFT_JIS\" is not supported"),
            ("<NativeDicomModel><DicomAttribute tag='0010001' vr='PN'/></NativeDicomModel>", #"tag="0010001" is not 8 hexadecimal digits"#),
            ("<NativeDicomModel><DicomAttribute vr='PN'/></NativeDicomModel>", "has neither a tag nor a keyword"),
            ("<NativeDicomModel><DicomAttribute tag='00100010' vr='QQ'/></NativeDicomModel>", #"(0010,0010) has VR "QQ""#),
            ("<NativeDicomModel><DicomAttribute tag='00280010' vr='US'><Value number='1'>x</Value></DicomAttribute></NativeDicomModel>",
             #"(0028,0010) value 1 "x" is not a valid US"#),
            ("<NativeDicomModel><DicomAttribute tag='00280010' vr='US'><Value number='0'>1</Value></DicomAttribute></NativeDicomModel>",
             "a number from 1 for <Value>"),
            ("<NativeDicomModel><DicomAttribute tag='00420011' vr='OB'><InlineBinary>%%</InlineBinary></DicomAttribute></NativeDicomModel>",
             "not valid base64"),
            ("<NativeDicomModel><DicomAttribute tag='00081140' vr='SQ'><Item number='1'><DicomAttribute tag='00081150' vr='AT'><Value number='1'>zz</Value></DicomAttribute></Item></DicomAttribute></NativeDicomModel>",
             #"(0008,1140)[1]/(0008,1150) value 1 "zz" is not a valid AT"#),
        ]
        for (xml, message) in cases {
            do {
                _ = try DICOMXMLReader().read(xml)
                Issue.record("no error for \(xml)")
            } catch {
                #expect("\(error)".contains(message), "\(xml): \(error)")
            }
        }
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(throws: DICOMXMLError.self) { try DICOMXMLReader().read(deep) }
    }
}
