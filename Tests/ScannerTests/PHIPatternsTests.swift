import Testing
@testable import Scanner

struct PHIPatternsTests {
    @Test func countsPersonNamesDatesOfBirthAndSSNs() {
        let page = #"<td>Lindqvist^Maja^K</td><td>DOB: 1971-03-14</td> {"PatientBirthDate" : "19650412"} SSN 123-45-6789, ref 1234-56-7890"#
        let found = PHIPatterns(counting: page)
        #expect(found.personNames == 1)
        #expect(found.datesOfBirth == 2)
        #expect(found.socialSecurityNumbers == 1)
        #expect(found.summary == "1 person name, 2 dates of birth, 1 SSN-like number")
    }

    @Test func findsDatesOfBirthInDICOMJSON() {
        let json = #"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Ødegaard^Signe"}]},"00100030":{"vr":"DA","Value":["19800229"]}}"#
        let found = PHIPatterns(counting: json)
        #expect(found.personNames == 1)
        #expect(found.datesOfBirth == 1)
    }

    @Test func aDateThatIsNotABirthDateIsNotCounted() {
        #expect(PHIPatterns(counting: #"{"StudyDate":"20240101"} Server: Orthanc 1.10.1"#).total == 0)
    }

    @Test func maskingLeavesNoValue() {
        let text = "Moreau^Elodie, date of birth 1980-02-29, SSN 987-65-4321; Server: Orthanc/1.10.1"
        let masked = PHIPatterns.masked(text)
        for value in ["Moreau", "Elodie", "1980", "02-29", "987-65-4321"] {
            #expect(!masked.contains(value))
        }
        #expect(masked == "***^***, date of birth ****-**-**, SSN ***-**-****; Server: Orthanc/1.10.1")
        #expect(PHIPatterns(counting: masked).total == 0)
    }

    @Test func findingEvidenceIsMasked() {
        let finding = Finding(.webVersionBanner, target: "127.0.0.1:80", evidence: "Server: Castellanos^Mateo 2.4")
        #expect(!finding.evidence.contains("Castellanos"))
        #expect(!finding.evidence.contains("Mateo"))
    }
}
