import DICOM

/// Which entity each attribute describes, from the key tables of PS3.4 C.6.1.1.2-5 (Patient
/// Root) and C.6.2.1.2-4 (Study Root), completed with the other attributes of the Patient,
/// Study and Series information entities of PS3.3 (Patient, General Study, Patient Study,
/// General Series, General Equipment modules) that the tables admit as Optional Keys.
enum QueryKeyTables {
    /// Attributes that steer a query or describe where an object can be had, not the object
    /// (PS3.4 C.4.1.1.3): never matched, returned when requested. Private creator elements are
    /// treated the same way (they name a block, they are no key).
    static func isControlAttribute(_ tag: Tag) -> Bool {
        controlAttributes.contains(tag) || tag.isPrivateCreator || tag.isGroupLength
    }

    /// The level of an attribute in the Patient Root model; nil for control attributes.
    static func homeLevel(of tag: Tag) -> QueryRetrieveLevel? {
        if isControlAttribute(tag) { return nil }
        if patientLevel.contains(tag) { return .patient }
        if studyLevel.contains(tag) { return .study }
        if seriesLevel.contains(tag) { return .series }
        return .image
    }

    /// The "R" rows of the key tables.
    static func requiredKeys(at level: QueryRetrieveLevel) -> Set<Tag> {
        switch level {
        case .patient: [QueryTag.patientName]
        case .study: [QueryTag.studyDate, QueryTag.studyTime, QueryTag.accessionNumber, QueryTag.studyID]
        case .series: [QueryTag.modality, QueryTag.seriesNumber]
        case .image: [QueryTag.instanceNumber]
        }
    }

    static let controlAttributes: Set<Tag> = [
        QueryTag.specificCharacterSet, QueryTag.queryRetrieveLevel, QueryTag.queryRetrieveView,
        QueryTag.retrieveAETitle, QueryTag.instanceAvailability, QueryTag.timezoneOffsetFromUTC,
        QueryTag.retrieveLocationUID, QueryTag.storageMediaFileSetID, QueryTag.storageMediaFileSetUID,
    ]

    static let patientLevel: Set<Tag> = [
        Tag(0x0010, 0x0010), // PatientName (R)
        Tag(0x0010, 0x0020), // PatientID (U)
        Tag(0x0010, 0x0021), // IssuerOfPatientID
        Tag(0x0010, 0x0022), // TypeOfPatientID
        Tag(0x0010, 0x0024), // IssuerOfPatientIDQualifiersSequence
        Tag(0x0010, 0x0030), // PatientBirthDate
        Tag(0x0010, 0x0032), // PatientBirthTime
        Tag(0x0010, 0x0040), // PatientSex
        Tag(0x0010, 0x1000), // OtherPatientIDs (retired)
        Tag(0x0010, 0x1001), // OtherPatientNames
        Tag(0x0010, 0x1002), // OtherPatientIDsSequence
        Tag(0x0010, 0x1005), // PatientBirthName
        Tag(0x0010, 0x1060), // PatientMotherBirthName
        Tag(0x0010, 0x2160), // EthnicGroup
        Tag(0x0010, 0x2201), // PatientSpeciesDescription
        Tag(0x0010, 0x2202), // PatientSpeciesCodeSequence
        Tag(0x0010, 0x2203), // PatientSexNeutered
        Tag(0x0010, 0x2292), // PatientBreedDescription
        Tag(0x0010, 0x2293), // PatientBreedCodeSequence
        Tag(0x0010, 0x2297), // ResponsiblePerson
        Tag(0x0010, 0x2298), // ResponsiblePersonRole
        Tag(0x0010, 0x2299), // ResponsibleOrganization
        Tag(0x0010, 0x4000), // PatientComments
        Tag(0x0012, 0x0062), // PatientIdentityRemoved
        Tag(0x0012, 0x0063), // DeidentificationMethod
        Tag(0x0008, 0x1120), // ReferencedPatientSequence
        Tag(0x0020, 0x1200), // NumberOfPatientRelatedStudies
        Tag(0x0020, 0x1202), // NumberOfPatientRelatedSeries
        Tag(0x0020, 0x1204), // NumberOfPatientRelatedInstances
    ]

    static let studyLevel: Set<Tag> = [
        Tag(0x0008, 0x0020), // StudyDate (R)
        Tag(0x0008, 0x0030), // StudyTime (R)
        Tag(0x0008, 0x0050), // AccessionNumber (R)
        Tag(0x0020, 0x0010), // StudyID (R)
        Tag(0x0020, 0x000D), // StudyInstanceUID (U)
        Tag(0x0008, 0x0051), // IssuerOfAccessionNumberSequence
        Tag(0x0008, 0x0061), // ModalitiesInStudy
        Tag(0x0008, 0x0062), // SOPClassesInStudy
        Tag(0x0008, 0x0090), // ReferringPhysicianName
        Tag(0x0008, 0x0096), // ReferringPhysicianIdentificationSequence
        Tag(0x0008, 0x1030), // StudyDescription
        Tag(0x0008, 0x1032), // ProcedureCodeSequence
        Tag(0x0008, 0x1048), // PhysiciansOfRecord
        Tag(0x0008, 0x1060), // NameOfPhysiciansReadingStudy
        Tag(0x0008, 0x1080), // AdmittingDiagnosesDescription
        Tag(0x0008, 0x1084), // AdmittingDiagnosesCodeSequence
        Tag(0x0008, 0x1110), // ReferencedStudySequence
        Tag(0x0010, 0x1010), // PatientAge
        Tag(0x0010, 0x1020), // PatientSize
        Tag(0x0010, 0x1030), // PatientWeight
        Tag(0x0010, 0x2000), // MedicalAlerts
        Tag(0x0010, 0x2110), // Allergies
        Tag(0x0010, 0x2180), // Occupation
        Tag(0x0010, 0x21A0), // SmokingStatus
        Tag(0x0010, 0x21B0), // AdditionalPatientHistory
        Tag(0x0010, 0x21C0), // PregnancyStatus
        Tag(0x0020, 0x1070), // OtherStudyNumbers (retired)
        Tag(0x0020, 0x1206), // NumberOfStudyRelatedSeries
        Tag(0x0020, 0x1208), // NumberOfStudyRelatedInstances
        Tag(0x0032, 0x1033), // RequestingService
        Tag(0x0032, 0x4000), // StudyComments (retired)
        Tag(0x0038, 0x0010), // AdmissionID
        Tag(0x0040, 0x1012), // ReasonForPerformedProcedureCodeSequence
    ]

    static let seriesLevel: Set<Tag> = [
        Tag(0x0008, 0x0060), // Modality (R)
        Tag(0x0020, 0x0011), // SeriesNumber (R)
        Tag(0x0020, 0x000E), // SeriesInstanceUID (U)
        Tag(0x0008, 0x0021), // SeriesDate
        Tag(0x0008, 0x0031), // SeriesTime
        Tag(0x0008, 0x0070), // Manufacturer
        Tag(0x0008, 0x0080), // InstitutionName
        Tag(0x0008, 0x0081), // InstitutionAddress
        Tag(0x0008, 0x1010), // StationName
        Tag(0x0008, 0x103E), // SeriesDescription
        Tag(0x0008, 0x103F), // SeriesDescriptionCodeSequence
        Tag(0x0008, 0x1040), // InstitutionalDepartmentName
        Tag(0x0008, 0x1050), // PerformingPhysicianName
        Tag(0x0008, 0x1070), // OperatorsName
        Tag(0x0008, 0x1090), // ManufacturerModelName
        Tag(0x0008, 0x1111), // ReferencedPerformedProcedureStepSequence
        Tag(0x0010, 0x2210), // AnatomicalOrientationType
        Tag(0x0018, 0x0015), // BodyPartExamined
        Tag(0x0018, 0x1000), // DeviceSerialNumber
        Tag(0x0018, 0x1020), // SoftwareVersions
        Tag(0x0018, 0x1030), // ProtocolName
        Tag(0x0018, 0x5100), // PatientPosition
        Tag(0x0020, 0x0052), // FrameOfReferenceUID
        Tag(0x0020, 0x0060), // Laterality
        Tag(0x0020, 0x1209), // NumberOfSeriesRelatedInstances
        Tag(0x0040, 0x0244), // PerformedProcedureStepStartDate
        Tag(0x0040, 0x0245), // PerformedProcedureStepStartTime
        Tag(0x0040, 0x0253), // PerformedProcedureStepID
        Tag(0x0040, 0x0254), // PerformedProcedureStepDescription
        Tag(0x0040, 0x0275), // RequestAttributesSequence
    ]
}
